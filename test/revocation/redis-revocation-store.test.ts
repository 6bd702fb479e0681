import { createClient } from 'redis';
import { SessionError, type RedisClientLike } from '../../lib/index.js';
import { redisStores } from '../support/redis-stores.js';
import { waitFor } from '../support/wait-for.js';

const HOUR = 3_600_000;

/** Store-level behaviour against a real redis-server; the guard-level tests are in redis-app.test.ts. */
describe('RedisRevocationStore', () => {
  const redisSuite = redisStores('store-test:');
  const store = redisSuite.store;

  it('shares a revocation with another instance through pub/sub, then answers from its mirror', async () => {
    const a = await store();
    const b = await store();
    expect(b.isRevoked({ userId: 'U1', sessionId: 'S1' })).toBe(false);

    await a.revokeSession('S1', Date.now() + HOUR);
    expect(a.isRevoked({ userId: 'U1', sessionId: 'S1' })).toBe(true);
    await waitFor(() => b.isRevoked({ userId: 'U1', sessionId: 'S1' }));
    expect(b.isRevoked({ userId: 'U1', sessionId: 'S2' })).toBe(false);
  });

  it('claims a one-time id on exactly one of the instances sharing Redis', async () => {
    const a = await store();
    const b = await store();
    const until = Date.now() + 60_000;
    const answers = await Promise.all([a.claimOnce('jti-shared', until), b.claimOnce('jti-shared', until), a.claimOnce('jti-shared', until)]);
    expect(answers.filter(Boolean)).toHaveLength(1);
    await expect(b.claimOnce('jti-other', until)).resolves.toBe(true);
  });

  it('keys a logoutAll on the user and the session start: older sessions refused, newer ones not', async () => {
    const a = await store();
    const b = await store();
    const cutoff = Math.floor(Date.now() / 1000);
    await a.revokeUserSessions('U7', cutoff, Date.now() + HOUR);
    await waitFor(() => b.isRevoked({ userId: 'U7', startedAt: cutoff - 60 }));
    expect(b.isRevoked({ userId: 'U7', startedAt: cutoff })).toBe(true);
    expect(b.isRevoked({ userId: 'U7', startedAt: cutoff + 1 })).toBe(false);
    // No start time: cannot be shown to postdate the logoutAll.
    expect(b.isRevoked({ userId: 'U7' })).toBe(true);
    expect(b.isRevoked({ userId: 'U8', startedAt: cutoff - 60 })).toBe(false);
  });

  it('a new instance reads the revocations already in Redis before it answers', async () => {
    const a = await store();
    await a.revokeSession('S-early', Date.now() + HOUR);
    const late = await store();
    expect(late.inSync).toBe(true);
    expect(late.isRevoked({ userId: 'U1', sessionId: 'S-early' })).toBe(true);
  });

  it('records expire in Redis by TTL (PXAT at the record end)', async () => {
    const a = await store();
    const until = Date.now() + HOUR;
    await a.revokeSession('S-ttl', until);
    const client = createClient({ url: redisSuite.redis.url });
    await client.connect();
    try {
      expect(await client.sendCommand(['PEXPIRETIME', 'store-test:revoked:s:S-ttl'])).toBe(until);
      // A weaker write never shortens it.
      await a.revokeSession('S-ttl', until - 1000);
      expect(await client.sendCommand(['PEXPIRETIME', 'store-test:revoked:s:S-ttl'])).toBe(until);
    } finally {
      client.destroy();
    }
  });

  it('cannot answer while Redis is down (revocation_unavailable), except for what it already knows; back in sync after a restart with nothing lost', async () => {
    const a = await store();
    const b = await store();
    await a.revokeSession('S-before', Date.now() + HOUR);
    await waitFor(() => b.isRevoked({ userId: 'U1', sessionId: 'S-before' }));

    await redisSuite.redis.stop();
    await waitFor(() => !a.inSync && !b.inSync);
    expect(() => b.isRevoked({ userId: 'U1', sessionId: 'S-other' })).toThrow(SessionError);
    try {
      b.isRevoked({ userId: 'U1', sessionId: 'S-other' });
    } catch (error) {
      expect((error as SessionError).reason).toBe('revocation_unavailable');
    }
    // Known locally: still refused.
    expect(b.isRevoked({ userId: 'U1', sessionId: 'S-before' })).toBe(true);
    // A revocation while Redis is down takes effect here at once, and the caller learns it is not shared yet.
    await expect(a.revokeSession('S-during', Date.now() + HOUR)).rejects.toMatchObject({ reason: 'revocation_unavailable' });
    expect(a.isRevoked({ userId: 'U1', sessionId: 'S-during' })).toBe(true);

    // Redis comes back empty (no persistence): the instances write back what they know.
    await redisSuite.redis.restart();
    await waitFor(() => a.inSync && b.inSync, 10_000);
    await waitFor(() => b.isRevoked({ userId: 'U1', sessionId: 'S-during' }));
    const fresh = await store();
    expect(fresh.isRevoked({ userId: 'U1', sessionId: 'S-before' })).toBe(true);
    expect(fresh.isRevoked({ userId: 'U1', sessionId: 'S-during' })).toBe(true);
    expect(fresh.isRevoked({ userId: 'U1', sessionId: 'S-never' })).toBe(false);
  });

  it('keeps session data in Redis until its expiry; another instance reads it', async () => {
    const a = await store();
    const b = await store();
    await a.setData('S-data', JSON.stringify({ cart: [1, 2] }), Date.now() + HOUR);
    expect(await b.getData('S-data')).toBe('{"cart":[1,2]}');
    await b.deleteData('S-data');
    expect(await a.getData('S-data')).toBeUndefined();
  });

  it('works on a node-redis client the application made (and leaves it open)', async () => {
    const client = createClient({ url: redisSuite.redis.url });
    await client.connect();
    try {
      const given: RedisClientLike = client;
      const a = await store({ client: given });
      await a.revokeSession('S-client', Date.now() + HOUR);
      await a.close();
      expect(client.isOpen).toBe(true);
      expect(await client.get('store-test:revoked:s:S-client')).not.toBeNull();
    } finally {
      client.destroy();
    }
  });
});
