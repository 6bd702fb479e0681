import { createHash } from 'node:crypto';

interface Settled<T> {
  readonly value: T;
  readonly until: number;
}

/**
 * One call per key at a time: callers that arrive while it runs share its result. A success is
 * also handed to callers arriving within `reuseMs` after it (requests a browser sent before the
 * rotated cookies reached it carry the old refresh token; answering them from here spares a
 * call the provider would refuse, or treat as token reuse). Keys are hashed: no token is held as
 * a map key.
 */
export class SingleFlight<T> {
  private readonly running = new Map<string, Promise<T>>();
  private readonly settled = new Map<string, Settled<T>>();

  constructor(
    private readonly reuseMs: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  run(key: string, task: () => Promise<T>): Promise<T> {
    const id = this.hash(key);
    const recent = this.settled.get(id);
    if (recent !== undefined) {
      if (recent.until > this.now()) return Promise.resolve(recent.value);
      this.settled.delete(id);
    }
    const pending = this.running.get(id);
    if (pending !== undefined) return pending;
    const flight = task().then(
      (value) => {
        this.running.delete(id);
        this.remember(id, value);
        return value;
      },
      (error: unknown) => {
        this.running.delete(id);
        throw error;
      },
    );
    this.running.set(id, flight);
    return flight;
  }

  /** Stops handing out the remembered result for `key` (a logout of that refresh token). */
  forget(key: string): void {
    this.settled.delete(this.hash(key));
  }

  private hash(key: string): string {
    return createHash('sha256').update(key).digest('base64url');
  }

  private remember(id: string, value: T): void {
    if (this.reuseMs <= 0) return;
    const now = this.now();
    for (const [key, entry] of this.settled) if (entry.until <= now) this.settled.delete(key);
    this.settled.set(id, { value, until: now + this.reuseMs });
  }
}
