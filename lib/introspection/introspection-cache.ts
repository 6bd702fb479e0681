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

/**
 * Answers by token hash (no token is a map key), bounded: when full, expired answers go first,
 * then the oldest.
 */
export class IntrospectionCache {
  private readonly answers = new Map<string, CachedAnswer>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  get(key: string): CachedAnswer | undefined {
    const answer = this.answers.get(key);
    if (answer !== undefined && answer.validUntil <= this.now()) {
      this.answers.delete(key);
      return undefined;
    }
    return answer;
  }

  set(key: string, answer: CachedAnswer): void {
    this.answers.delete(key);
    if (!(answer.validUntil > this.now())) return;
    this.answers.set(key, answer);
    if (this.answers.size <= this.maxEntries) return;
    const now = this.now();
    for (const [id, entry] of this.answers) if (entry.validUntil <= now) this.answers.delete(id);
    for (const id of this.answers.keys()) {
      if (this.answers.size <= this.maxEntries) break;
      this.answers.delete(id);
    }
  }
}
