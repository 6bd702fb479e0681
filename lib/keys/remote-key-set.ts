import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  errors,
  jwksCache,
  type JSONWebKeySet,
  type JWKSCacheInput,
  type JWSHeaderParameters,
  type RemoteJWKSet,
} from 'jose';
import { isPlainRecord } from '../claims/safe-values.js';
import { SessionError } from '../errors/session-error.js';
import { limitedFetch, type FetchLimits } from '../provider/limited-fetch.js';
import { allMatchingKeys, type JoseKeySet } from './jwks-key.resolver.js';
import type { KeyResolver, VerificationKey } from './key-resolver.interface.js';
import { usableKeySet } from './key-usability.js';
import { OutageLog, type KeyLogger } from './outage-log.js';
import { SkippedKeys } from './skipped-keys.js';

export interface RemoteKeySetSettings {
  readonly fetchLimits: FetchLimits;
  /** After a fetch (or a failed one), how long an unknown `kid` waits before the next fetch. */
  readonly cooldownMs: number;
  /** How long fetched keys are used before they are fetched again. */
  readonly cacheMaxAgeMs: number;
  /** While the endpoint fails, how old (since their fetch) the last good keys may get and still be used. */
  readonly maxStaleMs: number;
  /** The issuer's allowed algorithms: a published key for any other is skipped. */
  readonly algorithms: readonly string[];
}

const NO_MATCH = Symbol('no matching key');

/**
 * A provider's JSON Web Key Set over HTTP, on top of jose's `createRemoteJWKSet` (which fetches,
 * keeps one request in flight and times out). Around it:
 * - keys are cached for `cacheMaxAgeMs`; an unknown `kid` refetches, at most once per `cooldownMs`;
 * - when the endpoint fails, the last good keys keep serving for up to `maxStaleMs` after their
 *   fetch (stale-if-error), with one warning per outage; no refetch for `cooldownMs` after a failure;
 * - `keys_unavailable` (503) only when no usable key is held;
 * - unusable keys (`enc`, `oct`, private, weak RSA, small-order Ed25519, refused `alg`) are dropped
 *   before jose sees them, with one summary line per fetch that skipped keys.
 */
export class RemoteKeySet implements KeyResolver {
  /** jose records here when, and what, it last fetched successfully (its `jwksCache` hook). */
  private readonly lastGood: Partial<{ uat: number; jwks: JSONWebKeySet }> = {};
  private readonly remote: RemoteJWKSet;
  private readonly outages: OutageLog;
  /** The last skipped-keys summary logged: a set fetched again unchanged is not logged again. */
  private lastSkipped?: string;
  private selector?: { uat: number; select: JoseKeySet };
  private lastFailure?: { at: number; error: unknown };

  constructor(
    readonly url: URL,
    private readonly settings: RemoteKeySetSettings,
    private readonly logger: KeyLogger,
  ) {
    this.outages = new OutageLog(logger, url.href);
    this.remote = createRemoteJWKSet(url, {
      timeoutDuration: settings.fetchLimits.timeoutMs,
      cooldownDuration: settings.cooldownMs,
      cacheMaxAge: settings.cacheMaxAgeMs,
      [customFetch]: this.usableKeysFetch(limitedFetch(settings.fetchLimits)),
      [jwksCache]: this.lastGood as JWKSCacheInput,
    });
  }

  async resolve(header: JWSHeaderParameters): Promise<readonly VerificationKey[]> {
    if (!this.remote.fresh) await this.refresh();
    let found = await this.find(header);
    if (found === NO_MATCH && this.mayRefetch()) {
      // A `kid` we do not hold: the provider may have rotated its keys.
      await this.refresh();
      found = await this.find(header);
    }
    if (found !== NO_MATCH) return found;
    if (this.lastGood.jwks?.keys.length === 0) throw new SessionError('keys_unavailable');
    throw new SessionError('key_not_found');
  }

  /** Fetches the keys now (start-up warming); rejects when no usable key could be had. */
  async prefetch(): Promise<void> {
    if (!this.remote.fresh) await this.refresh();
    if (!this.remote.fresh) throw this.lastFailure?.error ?? new Error(`no keys from ${this.url.href}`);
    if (this.lastGood.jwks?.keys.length === 0) throw new Error(`${this.url.href} publishes no usable key`);
  }

  /** One fetch (jose shares it between concurrent callers); a failure is remembered, not thrown. */
  private async refresh(): Promise<void> {
    if (this.failedRecently()) return;
    try {
      await this.remote.reload();
      this.lastFailure = undefined;
      this.outages.succeeded();
    } catch (error) {
      this.lastFailure = { at: Date.now(), error };
      this.outages.failed(error, this.lastGood.uat !== undefined && !this.tooStale(this.lastGood.uat));
    }
  }

  private failedRecently(): boolean {
    return this.lastFailure !== undefined && Date.now() - this.lastFailure.at < this.settings.cooldownMs;
  }

  private mayRefetch(): boolean {
    return !this.remote.coolingDown && !this.failedRecently();
  }

  private tooStale(uat: number): boolean {
    return Date.now() - uat > Math.max(this.settings.maxStaleMs, this.settings.cacheMaxAgeMs);
  }

  /** The keys for `header` from the last good set, or `NO_MATCH`; `keys_unavailable` when no set may serve. */
  private async find(header: JWSHeaderParameters): Promise<readonly VerificationKey[] | typeof NO_MATCH> {
    const select = this.currentSelector();
    try {
      return [await select(header)];
    } catch (error) {
      if (error instanceof errors.JWKSMultipleMatchingKeys) {
        const keys = await allMatchingKeys(error, header);
        return keys.length ? keys : NO_MATCH;
      }
      if (error instanceof errors.JWKSNoMatchingKey) return NO_MATCH;
      // The matching key cannot be imported for this algorithm: it verifies nothing.
      throw new SessionError('key_not_found', { cause: error });
    }
  }

  private currentSelector(): JoseKeySet {
    const { uat, jwks } = this.lastGood;
    if (uat === undefined || jwks === undefined) throw new SessionError('keys_unavailable', { cause: this.lastFailure?.error });
    if (this.tooStale(uat)) {
      this.outages.staleKeysExpired(this.settings.maxStaleMs);
      throw new SessionError('keys_unavailable', { cause: this.lastFailure?.error });
    }
    if (this.selector?.uat !== uat) this.selector = { uat, select: createLocalJWKSet(jwks) as JoseKeySet };
    return this.selector.select;
  }

  /** jose's fetch, with unusable keys removed from a well-formed answer (anything else is left to jose to refuse). */
  private usableKeysFetch(fetchWithLimits: typeof fetch): typeof fetch {
    return async (input, init) => {
      const response = await fetchWithLimits(input, init);
      if (response.status !== 200) return response;
      const text = await response.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return new Response(text, { status: response.status, headers: response.headers });
      }
      if (!isPlainRecord(body) || !Array.isArray(body.keys)) return new Response(text, { status: response.status, headers: response.headers });
      const skipped = new SkippedKeys();
      const usable = usableKeySet(body as unknown as JSONWebKeySet, this.settings.algorithms, skipped.add);
      this.warnSkipped(skipped.summary(this.url.href, body.keys.length));
      return new Response(JSON.stringify(usable), { status: 200, headers: { 'content-type': 'application/json' } });
    };
  }

  private warnSkipped(summary: string | undefined): void {
    if (summary === this.lastSkipped) return;
    this.lastSkipped = summary;
    if (summary !== undefined) this.logger.warn(summary);
  }
}
