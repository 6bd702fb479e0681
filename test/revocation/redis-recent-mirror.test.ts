import { redisStores } from '../support/redis-stores.js';
import { waitFor } from '../support/wait-for.js';

const HOUR = 3_600_000;

/** `mirror: 'recent'` (issue 16.2): memory by logout rate, records read on demand, nothing missed. */
describe("RedisRevocationStore, mirror: 'recent'", () => {
  const { store } = redisStores('recent-test:');

  it('starts without reading any record, and still refuses a session revoked long before (a token refreshed at the provider keeps its sid)', async () => {
    const writer = await store();
    await writer.revokeSession('S-old', Date.now() + HOUR);
    await writer.revokeUserSessions('U-old', Math.floor(Date.now() / 1000), Date.now() + HOUR);
    const late = await store({ mirror: 'recent' });
    expect(late.inSync).toBe(true);
    expect((late as unknown as { ledger: { size: number } }).ledger.size).toBe(0);
    await expect(Promise.resolve(late.isRevoked({ userId: 'U1', sessionId: 'S-old' }))).resolves.toBe(true);
    await expect(Promise.resolve(late.isRevoked({ userId: 'U-old', sessionId: 'S-x', startedAt: Math.floor(Date.now() / 1000) - 60 }))).resolves.toBe(true);
    await expect(Promise.resolve(late.isRevoked({ userId: 'U1', sessionId: 'S-new' }))).resolves.toBe(false);
    // The answer is reused: no round trip for the next check of the same session.
    expect(late.isRevoked({ userId: 'U1', sessionId: 'S-new' })).toBe(false);
  });

  it('a remembered "not revoked" turns into a refusal when another instance revokes the session', async () => {
    const a = await store();
    const b = await store({ mirror: 'recent' });
    await expect(Promise.resolve(b.isRevoked({ userId: 'U2', sessionId: 'S-live' }))).resolves.toBe(false);
    await a.revokeSession('S-live', Date.now() + HOUR);
    await waitFor(() => b.isRevoked({ userId: 'U2', sessionId: 'S-live' }) === true, 2000);
  });

  it('drops what it learnt after two periods (memory by rate) and still refuses it, read again from Redis', async () => {
    const a = await store();
    const b = await store({ mirror: 'recent', recentPeriodMs: 150 });
    await a.revokeSession('S-rotated', Date.now() + HOUR);
    await waitFor(() => b.isRevoked({ userId: 'U3', sessionId: 'S-rotated' }) === true, 2000);
    const mirror = (b as unknown as { ledger: { size: number } }).ledger;
    await new Promise((resolve) => setTimeout(resolve, 400));
    await b.revokeSession('S-trigger', Date.now() + HOUR); // a write rotates the generations
    await b.revokeSession('S-trigger-2', Date.now() + HOUR + 1);
    expect(mirror.size).toBeLessThanOrEqual(2);
    await expect(Promise.resolve(b.isRevoked({ userId: 'U3', sessionId: 'S-rotated' }))).resolves.toBe(true);
  });
});
