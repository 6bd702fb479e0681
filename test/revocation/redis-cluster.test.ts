import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { RedisRevocationStore, SessionConfigError, type RedisRevocationStoreOptions } from '../../lib/index.js';
import { CapturingLogger } from '../support/log-capture.js';
import { RedisCluster } from '../support/redis-cluster.js';
import { waitFor } from '../support/wait-for.js';
import { runFailoverScenario } from './failover-scenario.js';

const HOUR = 3_600_000;
jest.setTimeout(90_000);

/** Redis Cluster (issue 16.3): three masters with one replica each, on loopback. */
describe('RedisRevocationStore on Redis Cluster', () => {
  let cluster: RedisCluster;
  const stores: RedisRevocationStore[] = [];

  beforeAll(async () => {
    cluster = await RedisCluster.start(3, 1);
  });

  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await cluster?.dispose();
  });

  async function clusterStore(options: RedisRevocationStoreOptions = {}): Promise<RedisRevocationStore> {
    const client = cluster.client();
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

  it('a master killed: its replica takes over, no revocation is lost, and the staleness bound holds', async () => {
    const figures = await runFailoverScenario({
      store: () => clusterStore(),
      killMaster: async () => cluster.kill(await cluster.masterOf('{cluster-test:}revoked:s:x')),
      waitPromoted: () => cluster.waitHealthy(),
    });
    console.info(`Redis Cluster failover: ${figures}`);
  });
});
