import { InMemoryRevocationStore } from '../../lib/index.js';
import { revocationSubject } from '../../lib/revocation/revocation-subject.js';
import type { Session } from '../../lib/index.js';

function clock(start = 1_800_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('InMemoryRevocationStore', () => {
  it('refuses a revoked session until its record expires', async () => {
    const time = clock();
    const store = new InMemoryRevocationStore({ now: time.now });
    await store.revokeSession('S1', time.now() + 1000);
    expect(store.isRevoked({ userId: 'U1', sessionId: 'S1' })).toBe(true);
    expect(store.isRevoked({ userId: 'U1', sessionId: 'S2' })).toBe(false);
    expect(store.isRevoked({ userId: 'U1' })).toBe(false);
    time.advance(1000);
    expect(store.isRevoked({ userId: 'U1', sessionId: 'S1' })).toBe(false);
    expect(store.size).toBe(0);
  });

  it('logoutAll: sessions that began at or before the cutoff are refused, later ones and other users are not', async () => {
    const time = clock();
    const store = new InMemoryRevocationStore({ now: time.now });
    await store.revokeUserSessions('U1', 1000, time.now() + 60_000);
    expect(store.isRevoked({ userId: 'U1', startedAt: 999 })).toBe(true);
    expect(store.isRevoked({ userId: 'U1', startedAt: 1000 })).toBe(true);
    expect(store.isRevoked({ userId: 'U1', startedAt: 1001 })).toBe(false);
    expect(store.isRevoked({ userId: 'U1' })).toBe(true);
    expect(store.isRevoked({ userId: 'U2', startedAt: 1 })).toBe(false);
    // A later logoutAll moves the cutoff; an earlier one never moves it back.
    await store.revokeUserSessions('U1', 2000, time.now() + 60_000);
    await store.revokeUserSessions('U1', 1500, time.now() + 60_000);
    expect(store.isRevoked({ userId: 'U1', startedAt: 1999 })).toBe(true);
  });

  it('keeps memory bounded: past maxEntries, the records closest to expiry go first', async () => {
    const time = clock();
    const store = new InMemoryRevocationStore({ now: time.now, maxEntries: 3 });
    await store.revokeSession('soon', time.now() + 1_000);
    await store.revokeSession('late', time.now() + 9_000);
    await store.revokeUserSessions('U1', 1, time.now() + 8_000);
    await store.revokeSession('later', time.now() + 10_000);
    expect(store.size).toBe(3);
    expect(store.isRevoked({ userId: 'x', sessionId: 'soon' })).toBe(false);
    expect(store.isRevoked({ userId: 'x', sessionId: 'late' })).toBe(true);
    expect(store.isRevoked({ userId: 'x', sessionId: 'later' })).toBe(true);
    expect(store.isRevoked({ userId: 'U1', startedAt: 0 })).toBe(true);
  });

  it('holds session data until it expires, bounded in number', async () => {
    const time = clock();
    const store = new InMemoryRevocationStore({ now: time.now, maxDataEntries: 2 });
    await store.setData('S1', '{"a":1}', time.now() + 1000);
    await store.setData('S2', '{"b":2}', time.now() + 5000);
    await store.setData('S3', '{"c":3}', time.now() + 5000);
    expect(await store.getData('S1')).toBeUndefined();
    expect(await store.getData('S2')).toBe('{"b":2}');
    time.advance(5000);
    expect(await store.getData('S3')).toBeUndefined();
    await store.setData('S4', '{}', time.now() + 10);
    await store.deleteData('S4');
    expect(await store.getData('S4')).toBeUndefined();
  });

  it('rejects nonsensical limits', () => {
    expect(() => new InMemoryRevocationStore({ maxEntries: 0 })).toThrow(/maxEntries/);
    expect(() => new InMemoryRevocationStore({ maxDataEntries: 1.5 })).toThrow(/maxDataEntries/);
  });
});

describe('revocationSubject', () => {
  const base = { userId: 'U1', expiresAt: new Date(), audience: [], authMethods: [], roles: [], permissions: [], tenants: {}, issuer: 'i', token: 't' };

  it('keys on sid/jti (sessionId), sub, and the earlier of iat and auth_time', () => {
    const session = { ...base, sessionId: 'S1', claims: { iat: 2000, auth_time: 1500 } } as Session;
    expect(revocationSubject(session)).toEqual({ userId: 'U1', sessionId: 'S1', startedAt: 1500 });
    expect(revocationSubject({ ...base, claims: { iat: 2000 } } as Session)).toEqual({ userId: 'U1', startedAt: 2000 });
    expect(revocationSubject({ ...base, claims: { iat: 'yesterday' } } as Session)).toEqual({ userId: 'U1' });
  });
});
