import { RevocationLedger } from '../revocation-ledger.js';
import type { RevocationRecord } from '../revocation-record.js';
import type { RevocationSubject } from '../revocation-store.interface.js';
import type { RedisCommands } from './command-runner.js';
import type { RedisKeys } from './redis-keys.js';

/** What the feed and the full read need from the mirror. */
export type MirrorLedger = Pick<RevocationLedger, 'merge' | 'isRevoked' | 'records' | 'size'>;

/**
 * `mirror: 'recent'`: the mirror keeps the revocations it learnt lately, and a subject it has no
 * answer for is read from Redis (its session record and its user record, one MGET) and
 * remembered. A remembered "not revoked" stays true while every later revocation reaches the
 * mirror: records and remembered answers live in two generations that are dropped together
 * (every `periodMs`, or early when `maxSubjects` answers are held), so a record is never dropped
 * before an answer given before it was learnt. A token refreshed at the provider keeps its sid:
 * its session record is in Redis until the record's end and is read on the first check.
 * After a reconnect, or when the feed cannot be followed, the remembered answers are dropped.
 */
export class RecentRevocations implements MirrorLedger {
  private current: RevocationLedger;
  private previous = new RevocationLedger();
  private looked = new Set<string>();
  private lookedBefore = new Set<string>();
  private rotatedAt = Date.now();
  /** Bumped by every rotation and every `forgetAnswers()`: an answer read across one is not remembered. */
  private rotations = 0;

  constructor(
    private readonly commands: RedisCommands,
    private readonly keys: RedisKeys,
    private readonly periodMs: number,
    private readonly maxSubjects: number,
    /** Records already held (a mirror that held every record until now): the first generation. */
    held: RevocationLedger = new RevocationLedger(),
  ) {
    this.current = held;
  }

  get size(): number {
    return this.current.size + this.previous.size;
  }

  merge(record: RevocationRecord): boolean {
    this.maybeRotate();
    return this.current.merge(record);
  }

  isRevoked(subject: RevocationSubject): boolean {
    return this.current.isRevoked(subject) || this.previous.isRevoked(subject);
  }

  *records(): IterableIterator<RevocationRecord> {
    yield* this.previous.records();
    yield* this.current.records();
  }

  /** `true` when this instance read the subject's records from Redis since the last rotation but one. */
  answered(subject: RevocationSubject): boolean {
    this.maybeRotate();
    const keys = this.subjectKeys(subject);
    return keys.every((key) => this.looked.has(key) || this.lookedBefore.has(key));
  }

  /** Reads the subject's records from Redis (one round trip), keeps what revokes, remembers the rest. */
  async lookUp(subject: RevocationSubject): Promise<boolean> {
    const rotations = this.rotations;
    const keys = this.subjectKeys(subject);
    const recordKeys = keys.map((key) => (key.startsWith('s') ? this.keys.record({ kind: 'session', id: key.slice(1), until: 0 }) : this.keys.record({ kind: 'user', id: key.slice(1), cutoff: 0, until: 0 })));
    const values = await this.commands.run(['MGET', ...recordKeys], this.keys.sequence);
    if (!Array.isArray(values)) throw new Error('unexpected MGET reply');
    recordKeys.forEach((key, index) => {
      const value = values[index];
      const record = typeof value === 'string' ? this.keys.parse(key, value) : undefined;
      if (record) this.merge({ ...record, id: keys[index]!.slice(1) });
    });
    // A rotation meanwhile (the records merged above may be in an older generation than this answer),
    // or the feed lost (revocations published meanwhile may never reach the mirror): answer, but do not remember.
    if (rotations === this.rotations) for (const key of keys) this.looked.add(key);
    return this.isRevoked(subject);
  }

  /** The feed was not followed for a while: remembered answers may miss revocations. */
  forgetAnswers(): void {
    this.rotations++;
    this.looked.clear();
    this.lookedBefore.clear();
  }

  private subjectKeys(subject: RevocationSubject): string[] {
    return subject.sessionId === undefined ? [`u${subject.userId}`] : [`s${subject.sessionId}`, `u${subject.userId}`];
  }

  private maybeRotate(): void {
    const now = Date.now();
    const elapsed = now - this.rotatedAt;
    if (elapsed < this.periodMs && this.looked.size < this.maxSubjects) return;
    this.rotatedAt = now;
    this.rotate();
    // Idle for two periods: the older generation is as old as the one just dropped.
    if (elapsed >= 2 * this.periodMs) this.rotate();
  }

  private rotate(): void {
    this.rotations++;
    this.previous = this.current;
    this.current = new RevocationLedger();
    this.lookedBefore = this.looked;
    this.looked = new Set();
  }
}
