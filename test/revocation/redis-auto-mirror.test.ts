import { Logger } from '@nestjs/common';
import { jest } from '@jest/globals';
import { RedisRevocationStore } from '../../lib/index.js';
import { redisStores } from '../support/redis-stores.js';
import { waitFor } from '../support/wait-for.js';

const HOUR = 3_600_000;
const mirrorSize = (store: RedisRevocationStore) => (store as unknown as { ledger: { size: number } }).ledger.size;

/**
 * `mirror: 'auto'`, the default (issue 16.2): a copy of every revocation while there are few, the
 * recent ones only past `mirrorAllUpTo`, so that an instance's memory and start-up stop following
 * the total. Either way no revocation is missed.
 */
describe("RedisRevocationStore, mirror: 'auto' (the default)", () => {
  const { store } = redisStores('auto-test:');
  afterEach(() => jest.restoreAllMocks());

  it('copies every revocation while there are at most mirrorAllUpTo, answering without a round trip', async () => {
    const writer = await store();
    for (let index = 0; index < 5; index++) await writer.revokeSession(`S-few-${index}`, Date.now() + HOUR);
    const reader = await store({ mirrorAllUpTo: 10 });
    expect(mirrorSize(reader)).toBe(5);
    // Answered from the copy: a boolean, not a promise.
    expect(reader.isRevoked({ userId: 'U', sessionId: 'S-few-3' })).toBe(true);
    expect(reader.isRevoked({ userId: 'U', sessionId: 'S-never' })).toBe(false);
  });

  it('past mirrorAllUpTo at start-up, stops copying, says so, and still refuses every revoked session', async () => {
    const writer = await store();
    for (let index = 0; index < 40; index++) await writer.revokeSession(`S-many-${index}`, Date.now() + HOUR);
    await writer.revokeUserSessions('U-cut', Math.floor(Date.now() / 1000), Date.now() + HOUR);
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const reader = await store({ mirrorAllUpTo: 10, recentPeriodMs: 200 });
    expect(reader.inSync).toBe(true);
    expect(warn.mock.calls.map(([message]) => String(message)).join('\n')).toMatch(/More than 10 revocations: this instance now keeps the recent ones only[\s\S]*persistence/);
    for (let index = 0; index < 40; index++) {
      await expect(Promise.resolve(reader.isRevoked({ userId: 'U', sessionId: `S-many-${index}` }))).resolves.toBe(true);
    }
    await expect(Promise.resolve(reader.isRevoked({ userId: 'U-cut', sessionId: 'S-x', startedAt: Math.floor(Date.now() / 1000) - 60 }))).resolves.toBe(true);
    await expect(Promise.resolve(reader.isRevoked({ userId: 'U', sessionId: 'S-live' }))).resolves.toBe(false);
    // What it held at the switch goes with the generations: memory no longer follows the total.
    await new Promise((resolve) => setTimeout(resolve, 450));
    await reader.revokeSession('S-after', Date.now() + HOUR);
    expect(mirrorSize(reader)).toBeLessThanOrEqual(2);
    await expect(Promise.resolve(reader.isRevoked({ userId: 'U', sessionId: 'S-many-7' }))).resolves.toBe(true);
  });

  it('switches while running when published revocations pass mirrorAllUpTo, and keeps refusing them', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const reader = await store({ mirrorAllUpTo: 3 });
    const writer = await store();
    for (let index = 0; index < 6; index++) await writer.revokeSession(`S-live-${index}`, Date.now() + HOUR);
    await waitFor(() => warn.mock.calls.some(([message]) => String(message).startsWith('More than 3 revocations')), 2000);
    for (let index = 0; index < 6; index++) {
      await waitFor(async () => (await reader.isRevoked({ userId: 'U', sessionId: `S-live-${index}` })) === true, 2000);
    }
    await expect(Promise.resolve(reader.isRevoked({ userId: 'U', sessionId: 'S-other' }))).resolves.toBe(false);
  });

  it('refuses mirrorAllUpTo that is not a positive integer, or given with another mirror mode', () => {
    expect(() => new RedisRevocationStore({ mirrorAllUpTo: 0 })).toThrow(/mirrorAllUpTo must be a positive integer/);
    expect(() => new RedisRevocationStore({ mirror: 'all', mirrorAllUpTo: 5 })).toThrow(/mirrorAllUpTo applies to mirror: 'auto' only/);
    expect(() => new RedisRevocationStore({ mirror: 'sometimes' as never })).toThrow(/mirror must be 'auto', 'all' or 'recent'/);
  });
});
