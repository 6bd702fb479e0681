import { ExpiringMap } from '../cache/expiring-map.js';
import type { Session } from '../claims/session.interface.js';
import type { SessionError } from '../errors/session-error.js';

/** One introspection answer, as the session it became or the refusal it was. */
export interface CachedAnswer {
  readonly outcome: Session | SessionError;
  /** Epoch ms until which the answer is used without asking the provider. */
  readonly freshUntil: number;
  /** Epoch ms until which an active answer may still stand in while the provider is unreachable (the token's `exp`). */
  readonly validUntil: number;
}

/** Answers by token hash (no token is a map key), kept until `validUntil`, bounded. */
export class IntrospectionCache {
  private readonly answers: ExpiringMap<CachedAnswer>;

  constructor(maxEntries: number, now: () => number = () => Date.now()) {
    this.answers = new ExpiringMap(maxEntries, now);
  }

  get(key: string): CachedAnswer | undefined {
    return this.answers.get(key);
  }

  set(key: string, answer: CachedAnswer): void {
    this.answers.set(key, answer, answer.validUntil);
  }
}
