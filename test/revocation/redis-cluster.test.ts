import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { createCluster } from 'redis';
import { RedisRevocationStore, SessionConfigError, type RedisRevocationStoreOptions } from '../../lib/index.js';
import { CapturingLogger } from '../support/log-capture.js';
import { RedisCluster } from '../support/redis-cluster.js';
import { waitFor } from '../support/wait-for.js';

const HOUR = 3_600_000;
jest.setTimeout(90_000);

/** Redis Cluster (issue 16.3): three masters with one replica each, on loopback. */
describe('RedisRevocationStore on Redis Cluster', () => {
  let cluster: RedisCluster;
  const stores: RedisRevocationStore[] = [];
  const clients: { destroy(): unknown }[] = [];

  beforeAll(async () => {
    cluster = await RedisCluster.start(3, 1);
  });

  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    clients.forEach((client) => client.destroy());
    await cluster?.dispose();
  });

  async function clusterStore(options: RedisRevocationStoreOptions = {}): Promise<RedisRevocationStore> {
    const client = createCluster({ rootNodes: cluster.rootNodes, defaults: { socket: { connectTimeout: 1000, reconnectStrategy: () => 200 } } });
    client.on('error', () => undefined);
    clients.push(client);
    const store = new RedisRevocationStore({ client, keyPrefix: 'cluster-test:', ...options });
    stores.push(store);
    await store.start();
    return store;
  }

  it('works on a createCluster() client: two instances share every logout, whichever slot its id hashes to', async () => {
    const a = await clusterStore();
    const b = await clusterStore();
    expect(a.inSync && b.inSync).toBe(true);
    const ids = Array.from({ length: 50 }, (_, index) => `S-${index}`);
    await Promise.all(ids.map((id) => a.revokeSession(id, Date.now() + HOUR)));
    await a.revokeUserSessions('U-all', Math.floor(Date.now() / 1000), Date.now() + HOUR);
    await waitFor(() => ids.every((id) => b.isRevoked({ userId: 'U', sessionId: id })) && b.isRevoked({ userId: 'U-all' }), 5000);
    // A third instance started later reads them all from the cluster.
    const late = await clusterStore();
    expect(ids.filter((id) => !late.isRevoked({ userId: 'U', sessionId: id }))).toEqual([]);
    expect(late.isRevoked({ userId: 'U', sessionId: 'S-never' })).toBe(false);
  });

  it('a single-node url pointing at a cluster node fails loudly at start-up, never a local-only logout', async () => {
    const logger = new CapturingLogger();
    Logger.overrideLogger(logger);
    try {
      const store = new RedisRevocationStore({ url: cluster.rootNodes[0]!.url, keyPrefix: 'cluster-test:' });
      stores.push(store);
      await expect(store.start()).rejects.toThrow(SessionConfigError);
      expect(() => store.isRevoked({ userId: 'U', sessionId: 'S-x' })).toThrow(expect.objectContaining({ reason: 'revocation_unavailable' }));
      expect(logger.at('error').map((entry) => entry.message).join('\n')).toMatch(/createCluster/);
    } finally {
      Logger.overrideLogger(new Logger());
    }
  });

  it('a master killed: its replica takes over, no revocation is lost, and checks are refused for no longer than the failover plus the staleness bound', async () => {
    const a = await clusterStore();
    const b = await clusterStore();
    const before = Array.from({ length: 20 }, (_, index) => `K-before-${index}`);
    await Promise.all(before.map((id) => a.revokeSession(id, Date.now() + HOUR)));
    await waitFor(() => before.every((id) => b.isRevoked({ userId: 'U', sessionId: id })), 5000);

    const master = await cluster.masterOf('{cluster-test:}revoked:s:x');
    await cluster.kill(master);
    const killedAt = Date.now();
    // Past the staleness bound (2 s), b cannot vouch for sessions it does not know to be revoked ...
    await waitFor(() => !b.inSync, 5000);
    const staleAfter = Date.now() - killedAt;
    await waitFor(() => !a.inSync, 5000);
    expect(staleAfter).toBeLessThanOrEqual(2000 + 300);
    // ... but still refuses those it knows.
    expect(before.every((id) => b.isRevoked({ userId: 'U', sessionId: id }))).toBe(true);

    // A logout during the failover (it throws revocation_unavailable): refused at once on the
    // instance that wrote it, written again once Redis answers. b refuses everything it cannot vouch
    // for meanwhile, and may accept it only between the failover and a's next poll.
    const acceptedByB: number[] = [];
    let aBackAt = Number.POSITIVE_INFINITY;
    const sampler = setInterval(() => {
      if (a.inSync) aBackAt = Math.min(aBackAt, Date.now());
      try {
        if (!b.isRevoked({ userId: 'U', sessionId: 'K-during' })) acceptedByB.push(Date.now());
      } catch {
        // revocation_unavailable: refused, as it should be
      }
    }, 5);
    await a.revokeSession('K-during', Date.now() + HOUR).catch(() => undefined);
    expect(a.isRevoked({ userId: 'U', sessionId: 'K-during' })).toBe(true);

    await cluster.waitHealthy();
    await waitFor(() => a.inSync && b.inSync, 15_000);
    const recoveredAfter = Date.now() - killedAt;
    await a.revokeSession('K-after', Date.now() + HOUR);
    await waitFor(() => b.isRevoked({ userId: 'U', sessionId: 'K-after' }), 3000);
    await waitFor(() => b.isRevoked({ userId: 'U', sessionId: 'K-during' }), 3000);
    clearInterval(sampler);
    // Never while the slot had no master (a not back in sync: its write not made again yet); after
    // it, only within the staleness bound (2 s) of a's write reaching Redis.
    expect(acceptedByB.filter((at) => at < aBackAt)).toEqual([]);
    expect(Math.max(aBackAt, ...acceptedByB) - aBackAt).toBeLessThanOrEqual(2000 + 100);
    expect(before.filter((id) => !b.isRevoked({ userId: 'U', sessionId: id }))).toEqual([]);
    const late = await clusterStore();
    expect([...before, 'K-during', 'K-after'].filter((id) => !late.isRevoked({ userId: 'U', sessionId: id }))).toEqual([]);
    console.info(
      `cluster failover: stale after ${staleAfter} ms, in sync again ${recoveredAfter} ms after the master was killed; the logout made during the failover accepted by the other instance until ${Math.max(aBackAt, ...acceptedByB) - aBackAt} ms after its writer was back in sync`,
    );
  });
});
