import type { RevocationRecord } from '../revocation-record.js';

function covers(held: RevocationRecord, wanted: RevocationRecord): boolean {
  if (held.kind === 'session' || wanted.kind === 'session') return held.until >= wanted.until;
  return held.cutoff >= wanted.cutoff && held.until >= wanted.until;
}

function stronger(a: RevocationRecord, b: RevocationRecord): RevocationRecord {
  const until = Math.max(a.until, b.until);
  if (a.kind === 'user' && b.kind === 'user') return { ...a, cutoff: Math.max(a.cutoff, b.cutoff), until };
  return { ...a, until };
}

/**
 * This instance's revocations not yet seen in the feed. Redis keeps a prefix of its writes
 * whatever it loses (a crash before persisting, a failover to a lagging replica), and an instance
 * that saw an entry notices when Redis lost it; the writer of an entry it has not seen yet does
 * not. Such writes are written again after a reconnect, until the feed delivers them.
 */
export class PendingWrites {
  private readonly records = new Map<string, RevocationRecord>();

  get size(): number {
    return this.records.size;
  }

  expect(record: RevocationRecord): void {
    const key = `${record.kind}:${record.id}`;
    const known = this.records.get(key);
    this.records.set(key, known ? stronger(known, record) : record);
  }

  /** `record` is in Redis's feed (or Redis held a record as strong): no need to write it again. */
  settle(record: RevocationRecord): void {
    const key = `${record.kind}:${record.id}`;
    const known = this.records.get(key);
    if (known && covers(record, known)) this.records.delete(key);
  }

  list(): RevocationRecord[] {
    return [...this.records.values()];
  }

  clear(): void {
    this.records.clear();
  }
}
