import { isPlainRecord } from '../../claims/safe-values.js';
import type { RevocationRecord } from '../revocation-record.js';

/** A revocation as published and logged: the record, its sequence number and the feed's epoch. */
export interface FeedEntry {
  readonly record: RevocationRecord;
  /** Absent in messages of earlier versions of this module (applied, but not counted). */
  readonly seq?: number;
  readonly epoch?: string;
}

/** `{"t":"s","id","until","seq","e"}` or `{"t":"u","id","cutoff","until","seq","e"}`; `undefined` for anything else. */
export function parseFeedEntry(raw: string): FeedEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!isPlainRecord(value) || typeof value.id !== 'string' || typeof value.until !== 'number') return undefined;
  let record: RevocationRecord;
  if (value.t === 's') record = { kind: 'session', id: value.id, until: value.until };
  else if (value.t === 'u' && typeof value.cutoff === 'number') record = { kind: 'user', id: value.id, cutoff: value.cutoff, until: value.until };
  else return undefined;
  const seq = Number.isSafeInteger(value.seq) ? (value.seq as number) : undefined;
  const epoch = typeof value.e === 'string' ? value.e : undefined;
  return { record, ...(seq !== undefined && { seq }), ...(epoch !== undefined && { epoch }) };
}
