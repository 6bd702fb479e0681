import { Logger } from '@nestjs/common';
import type { JWTPayload } from 'jose';
import type { SessionOptions } from '../options/session-options.js';
import type { ServerSessionManager } from '../server-sessions/server-session-manager.js';
import type { TokenVerifier } from '../verification/token-verifier.js';
import type { BackchannelLogoutConfig } from './backchannel-logout-options.js';
import { readLogoutToken } from './logout-token.js';
import { PushRejection } from './push-rejection.js';
import { endServerSessions } from './end-server-sessions.js';
import { applyRevocation, type PushedRevocation } from './pushed-revocation.js';
import { PushedTokenVerifier, type PushedTokenRules } from './pushed-token-verifier.js';
import { readSecurityEvents } from './security-event.js';
import type { SharedSignalsConfig } from './shared-signals-options.js';

const logger = new Logger('PushRevocation');

function describe(revocation: PushedRevocation): string {
  return 'sessionId' in revocation ? 'one session' : 'every session of a user';
}

/**
 * Verifies a pushed token and records what it revokes in the revocation store, shared by every
 * instance. Transport-free: the receiver routes hand it the token and answer with its outcome.
 */
abstract class PushReceiver {
  private readonly verifier: PushedTokenVerifier;

  protected constructor(
    private readonly options: SessionOptions,
    tokens: TokenVerifier,
    private readonly rules: PushedTokenRules,
    private readonly serverSessions: ServerSessionManager | undefined,
  ) {
    this.verifier = new PushedTokenVerifier(tokens, options.revocation.store, options.verification.maxTokenLength);
  }

  protected async verifyAndRevoke(token: unknown, read: (payload: JWTPayload) => readonly PushedRevocation[]): Promise<readonly PushedRevocation[]> {
    const revocations = await this.verifier.verify(token, this.rules, read);
    try {
      for (const revocation of revocations) {
        await applyRevocation(this.options.revocation.store, revocation, this.options.lifecycle.maxSessionLifetimeMs);
        await endServerSessions(this.serverSessions, revocation);
      }
    } catch (error) {
      logger.error(`A verified ${this.rules.kind} token could not be recorded: ${error instanceof Error ? error.message : String(error)}`);
      throw new PushRejection('temporarily_unavailable', 'The revocation could not be recorded; try again later');
    }
    for (const revocation of revocations) logger.log(`Revoked ${describe(revocation)} (${this.rules.kind} from ${this.rules.issuers.length === 1 ? this.rules.issuers[0] : 'a configured issuer'})`);
    return revocations;
  }
}

/** OpenID Connect Back-Channel Logout 1.0: a logout token ends a session (`sid`) or a user's sessions (`sub`). */
export class BackchannelLogoutReceiver extends PushReceiver {
  constructor(
    options: SessionOptions,
    tokens: TokenVerifier,
    readonly config: BackchannelLogoutConfig,
    serverSessions?: ServerSessionManager,
  ) {
    super(options, tokens, { kind: 'bcl', typ: 'logout+jwt', typRequired: false, clockTolerance: options.verification.clockTolerance, ...config }, serverSessions);
  }

  async receive(logoutToken: unknown): Promise<PushedRevocation> {
    return (await this.verifyAndRevoke(logoutToken, (payload) => [readLogoutToken(payload, this.config.logoutUser)]))[0]!;
  }
}

/** RFC 8935 push delivery of Security Event Tokens: CAEP and RISC events that end sessions. */
export class SharedSignalsReceiver extends PushReceiver {
  /** A subject's `iss_sub` must name one of these: the users our sessions belong to. */
  private readonly userIssuers: readonly string[];

  constructor(
    options: SessionOptions,
    tokens: TokenVerifier,
    readonly config: SharedSignalsConfig,
    serverSessions?: ServerSessionManager,
  ) {
    super(options, tokens, { kind: 'set', typ: 'secevent+jwt', typRequired: true, clockTolerance: options.verification.clockTolerance, ...config }, serverSessions);
    this.userIssuers = options.issuerConfigs.flatMap((issuer) => issuer.issuers);
  }

  /** The revocations the SET caused: none for events this module does not act on. */
  async receive(set: unknown): Promise<readonly PushedRevocation[]> {
    return this.verifyAndRevoke(set, (payload) => readSecurityEvents(payload, this.userIssuers));
  }
}
