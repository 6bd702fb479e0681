import { jest } from '@jest/globals';
import { RedisServerSessionStore, SessionConfigError } from '../../lib/index.js';
import type { ServerSessionRecord } from '../../lib/server-sessions/server-session-record.js';
import { RedisCluster } from '../support/redis-cluster.js';

const HOUR = 3_600_000;
jest.setTimeout(90_000);

function record(id: string, userId: string): ServerSessionRecord {
  const now = Date.now();
  return { id, userId, issuer: 'https://idp.example', sessionToken: `token-of-${id}`, refreshToken: `refresh-of-${id}`, createdAt: now, lastSeenAt: now, expiresAt: now + HOUR };
}

/**
 * Server-side sessions on Redis Cluster (issue 16.3, "beyond one Redis"): a session and its user's
 * index hash to different slots, so no command may name both (CROSSSLOT). Three masters, one
 * replica each, on loopback.
 */
describe('RedisServerSessionStore on Redis Cluster', () => {
  let cluster: RedisCluster;
  const stores: RedisServerSessionStore[] = [];

  beforeAll(async () => {
    cluster = await RedisCluster.start(3, 1);
  });

  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await cluster?.dispose();
  });

  async function clusterStore(): Promise<RedisServerSessionStore> {
    const client = cluster.client();
    const store = new RedisServerSessionStore({ client, keyPrefix: 'ss-cluster:' });
    stores.push(store);
    await store.start();
    return store;
  }

  it('keeps, lists and ends a user’s sessions across slots, seen alike by two instances', async () => {
    const a = await clusterStore();
    const b = await clusterStore();
    const ids = Array.from({ length: 30 }, (_, index) => `session-${index}`);
    for (const id of ids) await a.save(record(id, 'U-cluster'), Date.now() + HOUR);
    await expect(b.get('session-17')).resolves.toMatchObject({ id: 'session-17', userId: 'U-cluster', refreshToken: 'refresh-of-session-17' });
    expect((await b.listByUser('U-cluster')).map((found) => found.id).sort()).toEqual([...ids].sort());
    await b.delete('session-3');
    await expect(a.get('session-3')).resolves.toBeUndefined();
    expect(await a.listByUser('U-cluster')).toHaveLength(29);
  });

  it('claims a refresh once across instances', async () => {
    const a = await clusterStore();
    const b = await clusterStore();
    const until = Date.now() + 10_000;
    const claims = await Promise.all([a.claimOnce('refresh-lock-1', until), b.claimOnce('refresh-lock-1', until)]);
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('a single-node url pointing at a cluster node stops start-up, naming the fix', async () => {
    const store = new RedisServerSessionStore({ url: cluster.rootNodes[0]!.url, keyPrefix: 'ss-cluster:' });
    stores.push(store);
    const started = store.start();
    await expect(started).rejects.toThrow(SessionConfigError);
    await expect(started).rejects.toThrow(/createCluster\(\)/);
  });
});
