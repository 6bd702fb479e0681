import type { RevocationRecord } from './revocation-record.js';
import type { RevocationSubject } from './revocation-store.interface.js';
import { ShardedMap } from './sharded-map.js';

/** A `logoutAll`: sessions of the user that began at or before `cutoff` (epoch s), refused until `until` (epoch ms). */
export interface UserCutoff {
  readonly cutoff: number;
  readonly until: number;
}

/** Expired entries are swept at most this often, on writes (reads drop what they find expired). */
const SWEEP_INTERVAL_MS = 30_000;
/** Entries a write looks at while a sweep is under way: a mirror of millions is never swept in one go. */
const SWEEP_STEP = 1000;

/**
 * Revocations held in this process: revoked session ids and per-user cutoffs, each until its
 * expiry. Merging keeps the stronger record (the later expiry, the later cutoff), so records
 * can be applied in any order and any number of times. The in-memory store keeps its state
 * here; the Redis store keeps its local mirror here, and so can a store of your own (a shared
 * backend read into the ledger, `isRevoked` answered from it with no round trip).
 */
export class RevocationLedger {
  private readonly sessions = new ShardedMap<number>();
  private readonly users = new ShardedMap<UserCutoff>();
  private lastSweep: number;
  private sweeping?: Iterator<void>;

  constructor(private readonly now: () => number = () => Date.now()) {
    this.lastSweep = now();
  }

  get size(): number {
    return this.sessions.size + this.users.size;
  }

  /** Returns `true` when the record strengthened what was known. */
  addSession(sessionId: string, until: number): boolean {
    this.maybeSweep();
    if (!(until > this.now())) return false;
    const known = this.sessions.get(sessionId);
    if (known !== undefined && known >= until) return false;
    this.sessions.set(sessionId, until);
    return true;
  }

  /** Returns `true` when the record strengthened what was known. */
  addUser(userId: string, cutoff: number, until: number): boolean {
    this.maybeSweep();
    if (!(until > this.now()) || !Number.isFinite(cutoff)) return false;
    const known = this.users.get(userId);
    if (known !== undefined && known.cutoff >= cutoff && known.until >= until) return false;
    this.users.set(userId, {
      cutoff: Math.max(cutoff, known?.cutoff ?? cutoff),
      until: Math.max(until, known?.until ?? until),
    });
    return true;
  }

  isRevoked(subject: RevocationSubject): boolean {
    const now = this.now();
    if (subject.sessionId !== undefined) {
      const until = this.sessions.get(subject.sessionId);
      if (until !== undefined) {
        if (until > now) return true;
        this.sessions.delete(subject.sessionId);
      }
    }
    const user = this.users.get(subject.userId);
    if (user !== undefined) {
      if (user.until <= now) this.users.delete(subject.userId);
      // A session that cannot show when it began is older than any cutoff.
      else if (subject.startedAt === undefined || subject.startedAt <= user.cutoff) return true;
    }
    return false;
  }

  /** Adds either kind of record; `true` when it strengthened what was known. */
  merge(record: RevocationRecord): boolean {
    return record.kind === 'session' ? this.addSession(record.id, record.until) : this.addUser(record.id, record.cutoff, record.until);
  }

  /** Every record held (expired ones may still appear until swept). */
  *records(): IterableIterator<RevocationRecord> {
    for (const [id, until] of this.sessions) yield { kind: 'session', id, until };
    for (const [id, { cutoff, until }] of this.users) yield { kind: 'user', id, cutoff, until };
  }

  /** Drops expired records now (the whole ledger in one go). */
  sweep(): void {
    this.sweeping = undefined;
    const now = this.now();
    this.lastSweep = now;
    for (const [id, until] of this.sessions) if (until <= now) this.sessions.delete(id);
    for (const [id, user] of this.users) if (user.until <= now) this.users.delete(id);
  }

  /** Drops the record closest to its expiry (the least harm when memory must be bounded). */
  evictSoonestExpiring(): boolean {
    let victim: { kind: 'session' | 'user'; id: string; until: number } | undefined;
    for (const [id, until] of this.sessions) if (!victim || until < victim.until) victim = { kind: 'session', id, until };
    for (const [id, user] of this.users) if (!victim || user.until < victim.until) victim = { kind: 'user', id, until: user.until };
    if (!victim) return false;
    if (victim.kind === 'session') this.sessions.delete(victim.id);
    else this.users.delete(victim.id);
    return true;
  }

  clear(): void {
    this.sessions.clear();
    this.users.clear();
  }

  private maybeSweep(): void {
    if (!this.sweeping) {
      if (this.now() - this.lastSweep < SWEEP_INTERVAL_MS) return;
      this.lastSweep = this.now();
      this.sweeping = this.sweepSteps();
    }
    if (this.sweeping.next().done) this.sweeping = undefined;
  }

  /** The sweep, pausing every `SWEEP_STEP` entries (deleting while iterating a Map is safe). */
  private *sweepSteps(): Generator<void> {
    let seen = 0;
    const now = this.now();
    for (const [id, until] of this.sessions) {
      if (until <= now) this.sessions.delete(id);
      if (++seen % SWEEP_STEP === 0) yield;
    }
    for (const [id, user] of this.users) {
      if (user.until <= now) this.users.delete(id);
      if (++seen % SWEEP_STEP === 0) yield;
    }
  }
}
