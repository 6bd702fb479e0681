import { CacheAdmission } from '../../../lib/cache/cache-admission.js';

const token = (n: number) => `eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJVJHtufSJ9.signature-${n.toString(36).padStart(8, '0')}`;

/** Misses with no hit, `count` of them: what a flood of distinct tokens looks like to the cache. */
function missMany(admission: CacheAdmission, count: number, from = 0): void {
  for (let n = from; n < from + count; n++) {
    admission.looked(false);
    admission.admit(token(n));
  }
}

describe('CacheAdmission (which verified sessions the cache keeps)', () => {
  it('keeps every session while the cache pays, and before it has judged a whole window', () => {
    const admission = new CacheAdmission(10);
    missMany(admission, 1000);
    expect(admission.admit(token(5000))).toBe(true);
    for (let n = 0; n < 2000; n++) admission.looked(n % 8 === 0);
    expect(admission.admit(token(5001))).toBe(true);
  });

  it('under one hit in 16 over a window (at least 1,024 lookups), keeps a session from its second verification only', () => {
    const admission = new CacheAdmission(100);
    missMany(admission, 1024);
    expect(admission.admit(token(9000))).toBe(false);
    expect(admission.admit(token(9000))).toBe(true);
    expect(admission.admit(token(9001))).toBe(false);
  });

  it('keeps first sightings again once hits come back', () => {
    const admission = new CacheAdmission(100);
    missMany(admission, 1024);
    expect(admission.admit(token(9000))).toBe(false);
    for (let n = 0; n < 1024; n++) admission.looked(n % 4 === 0);
    expect(admission.admit(token(9100))).toBe(true);
  });

  it('remembers the last capacity to twice capacity tokens seen', () => {
    const admission = new CacheAdmission(1024);
    missMany(admission, 1024, 100_000);
    // Token 0 seen, then 1,023 others: still remembered (second sighting admitted).
    admission.admit(token(0));
    missMany(admission, 1023, 1);
    expect(admission.admit(token(0))).toBe(true);
    // Seen again, then more than twice capacity others: forgotten.
    missMany(admission, 2 * 1024 + 1, 20_000);
    expect(admission.admit(token(0))).toBe(false);
  });

  it('clear() forgets the sightings and the verdict', () => {
    const admission = new CacheAdmission(100);
    missMany(admission, 1024);
    admission.clear();
    expect(admission.admit(token(9000))).toBe(true);
  });
});
