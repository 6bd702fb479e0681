import { createHash } from 'node:crypto';

interface Settled<T> {
  readonly value: T;
  readonly until: number;
  /** The hashed key this result leads to (a rotated refresh token), linking a rotation chain. */
  readonly next?: string;
}

/**
 * One call per key at a time: callers that arrive while it runs share its result. A success is
 * also handed to callers arriving within `reuseMs` after it (requests a browser sent before the
 * rotated cookies reached it carry the old refresh token; answering them from here spares a
 * call the provider would refuse, or treat as token reuse). Keys are hashed: no token is held as
 * a map key.
 *
 * `linkOf` names the key a result leads to (the rotated refresh token): remembered results then
 * form chains, and `forgetChain` drops a whole one (a logout ends every link of a login).
 */
export class SingleFlight<T> {
  private readonly running = new Map<string, Promise<T>>();
  private readonly settled = new Map<string, Settled<T>>();

  constructor(
    private readonly reuseMs: number,
    private readonly linkOf: (value: T) => string | undefined = () => undefined,
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

  /**
   * Stops handing out the remembered results of `key`'s chain: the result `key` led to, the
   * results that led to `key`, and so on both ways. Returns the forgotten results.
   */
  forgetChain(key: string): T[] {
    const links = new Set([this.hash(key)]);
    const forgotten: T[] = [];
    for (let grew = true; grew; ) {
      grew = false;
      for (const [id, entry] of this.settled) {
        if (!links.has(id) && !(entry.next !== undefined && links.has(entry.next))) continue;
        this.settled.delete(id);
        forgotten.push(entry.value);
        links.add(id);
        if (entry.next !== undefined) links.add(entry.next);
        grew = true;
      }
    }
    return forgotten;
  }

  private hash(key: string): string {
    return createHash('sha256').update(key).digest('base64url');
  }

  private remember(id: string, value: T): void {
    if (this.reuseMs <= 0) return;
    const now = this.now();
    for (const [key, entry] of this.settled) if (entry.until <= now) this.settled.delete(key);
    const link = this.linkOf(value);
    const next = link === undefined ? undefined : this.hash(link);
    this.settled.set(id, { value, until: now + this.reuseMs, ...(next !== undefined && next !== id && { next }) });
  }
}
