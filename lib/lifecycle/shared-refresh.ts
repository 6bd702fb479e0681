import { createHash, hkdfSync } from 'node:crypto';
import { compactDecrypt, CompactEncrypt } from 'jose';
import { isPlainRecord } from '../claims/safe-values.js';
import { SessionError } from '../errors/session-error.js';
import type { SessionErrorReason } from '../errors/session-error-reason.js';
import type { ReplayStore } from '../replay/replay-store.interface.js';
import type { SessionDataStore } from '../revocation/session-data-store.interface.js';

/** What a refresh leaves for the other instances: the new tokens, or the refusal every caller gets. */
export type SharedOutcome =
  | { readonly tokens: { readonly sessionToken: string; readonly refreshToken: string; readonly refreshExpiresAt: number } }
  | { readonly error: { readonly reason: 'refresh_failed' | 'provider_unavailable'; readonly message: string; readonly providerError?: string } };

export interface SharedRefreshTimings {
  /** How long the new tokens are kept for late callers (the reuse window). */
  readonly keepMs: number;
  /** How long a caller waits for the instance refreshing (a provider call and a key fetch). */
  readonly waitMs: number;
  /** Between two reads while waiting. */
  readonly pollMs: number;
}

const LABEL = 'nestjs-jwt-session shared refresh v1';

/** Store ids of one refresh token: a hash (the token never reaches the store), distinct from the encryption key's derivation. */
export function sharedRefreshIds(refreshToken: string): { lock: string; result: string } {
  const id = createHash('sha256').update(`${LABEL}\0lookup\0${refreshToken}`).digest('base64url');
  return { lock: `refresh-lock:${id}`, result: `nestjs-jwt-session/refresh/${id}` };
}

/** AES-256-GCM key of a refresh token's result: HKDF from the old refresh token, which only its holders have. */
function resultKey(refreshToken: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', refreshToken, LABEL, 'result encryption key', 32));
}

function parseOutcome(value: unknown): SharedOutcome | undefined {
  if (!isPlainRecord(value)) return undefined;
  const { tokens, error } = value;
  if (isPlainRecord(tokens)) {
    const { sessionToken, refreshToken, refreshExpiresAt } = tokens;
    if (typeof sessionToken === 'string' && typeof refreshToken === 'string' && typeof refreshExpiresAt === 'number') {
      return { tokens: { sessionToken, refreshToken, refreshExpiresAt } };
    }
  }
  if (isPlainRecord(error) && (error.reason === 'refresh_failed' || error.reason === 'provider_unavailable') && typeof error.message === 'string') {
    return { error: { reason: error.reason, message: error.message, ...(typeof error.providerError === 'string' && { providerError: error.providerError }) } };
  }
  return undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Single flight across the instances sharing a store: one provider call per refresh token, and
 * every instance gets its outcome. The first instance claims a lock (`claimOnce` on a hash of the
 * token) and calls the provider; it leaves the outcome in the store, encrypted (compact JWE,
 * `dir` + `A256GCM`) under a key derived from the old refresh token, for `keepMs` only. The
 * others read it, polling, for up to `waitMs`; then they give up with `provider_unavailable`
 * (calling the provider themselves would present a rotated-out token: a reuse alarm).
 */
export class SharedRefresh {
  constructor(
    private readonly store: SessionDataStore & ReplayStore,
    private readonly timings: SharedRefreshTimings,
  ) {}

  /**
   * The outcome for `refreshToken`: from the store, or from `grant` when this instance wins the
   * lock. Store failures are thrown (`revocation_unavailable`) before the provider is called.
   */
  async run(refreshToken: string, grant: () => Promise<SharedOutcome>): Promise<SharedOutcome> {
    const ids = sharedRefreshIds(refreshToken);
    const known = await this.read(ids.result, refreshToken);
    if (known) return known;
    const now = Date.now();
    if (await this.store.claimOnce(ids.lock, now + Math.max(this.timings.keepMs, this.timings.waitMs))) {
      const outcome = await grant();
      // Errors are kept as long as the lock, new tokens for the reuse window.
      const until = 'tokens' in outcome ? Date.now() + this.timings.keepMs : now + this.timings.waitMs;
      await this.write(ids.result, refreshToken, outcome, until).catch(() => {
        // The store failed after the grant: this caller has its tokens; the others time out (503).
      });
      return outcome;
    }
    return this.await(ids.result, refreshToken);
  }

  private async await(id: string, refreshToken: string): Promise<SharedOutcome> {
    const deadline = Date.now() + this.timings.waitMs;
    while (Date.now() < deadline) {
      await sleep(this.timings.pollMs);
      const outcome = await this.read(id, refreshToken);
      if (outcome) return outcome;
    }
    throw new SessionError('provider_unavailable', { message: 'Another instance is refreshing this session and has not answered in time' });
  }

  private async write(id: string, refreshToken: string, outcome: SharedOutcome, until: number): Promise<void> {
    const plaintext = new TextEncoder().encode(JSON.stringify(outcome));
    const jwe = await new CompactEncrypt(plaintext).setProtectedHeader({ alg: 'dir', enc: 'A256GCM' }).encrypt(resultKey(refreshToken));
    await this.store.setData(id, JSON.stringify(jwe), until);
  }

  /** The stored outcome; `undefined` when there is none, or it does not decrypt (not ours, tampered). */
  private async read(id: string, refreshToken: string): Promise<SharedOutcome | undefined> {
    const json = await this.store.getData(id);
    if (json === undefined) return undefined;
    try {
      const jwe: unknown = JSON.parse(json);
      if (typeof jwe !== 'string') return undefined;
      const { plaintext } = await compactDecrypt(jwe, resultKey(refreshToken), { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] });
      return parseOutcome(JSON.parse(new TextDecoder().decode(plaintext)));
    } catch {
      return undefined;
    }
  }
}

/** A refusal every instance can share: the provider's verdict, not one instance's own trouble. */
export function shareableError(error: unknown): SharedOutcome | undefined {
  if (!(error instanceof SessionError)) return undefined;
  const reason: SessionErrorReason = error.reason;
  if (reason !== 'refresh_failed' && reason !== 'provider_unavailable') return undefined;
  return { error: { reason, message: error.message, ...(error.providerError !== undefined && { providerError: error.providerError }) } };
}
