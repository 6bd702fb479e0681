import type { LoggerService } from '@nestjs/common';
import { SessionError } from '../errors/session-error.js';

/** Refusals of a token whose signature held: its own issuer's keys signed it, only a claim rule failed. */
const CLAIM_REASONS: ReadonlySet<string> = new Set(['claim_invalid', 'issuer_mismatch', 'audience_mismatch']);

/** Rules remembered, so the set stays small whatever tokens arrive (the messages come from a fixed set anyway). */
const MAX_WARNINGS = 32;

/**
 * A token that the provider really signed but that breaks a claim rule (`typ: JWT` against
 * `tokenType: 'at+jwt'`, no `sub`, another audience) usually means the options disagree with the
 * provider, not an attack: an attacker cannot sign. Warned once per rule, with the rule named, so a
 * first integration does not end in a bare `claim_invalid`. Never the token or a claim's value.
 */
export class ProviderMismatchLog {
  private readonly warned = new Set<string>();

  constructor(
    private readonly logger: Pick<LoggerService, 'warn'>,
    private readonly issuer: string,
  ) {}

  /** `signed`: the signature was verified before the claim failed. */
  refused(error: unknown, signed: boolean): void {
    if (!signed || !(error instanceof SessionError) || !CLAIM_REASONS.has(error.reason)) return;
    if (this.warned.has(error.message) || this.warned.size >= MAX_WARNINGS) return;
    this.warned.add(error.message);
    this.logger.warn(
      `A token signed by the keys of issuer ${this.issuer} was refused (${error.reason}): ${error.message}. ` +
        'If the provider issues such tokens, the options (tokenType, audience, requiredClaims, issuer) disagree with it',
    );
  }
}
