import { jest } from '@jest/globals';
import { createSentinel } from 'redis';
import { RedisRevocationStore } from '../../lib/index.js';
import { RedisSentinelSetup, SENTINEL_MASTER_NAME } from '../support/redis-sentinel.js';
import { waitFor } from '../support/wait-for.js';
import { runFailoverScenario } from './failover-scenario.js';

const HOUR = 3_600_000;
jest.setTimeout(90_000);

/** Sentinel (issue 16.3): one master, one replica, one sentinel, on loopback. */
describe('RedisRevocationStore on Redis Sentinel', () => {
  let setup: RedisSentinelSetup;
  const stores: RedisRevocationStore[] = [];
  const clients: { destroy(): unknown }[] = [];

  beforeAll(async () => {
    setup = await RedisSentinelSetup.start();
  });

  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await Promise.all(clients.map((client) => client.destroy()));
    await setup?.dispose();
  });

  async function sentinelStore(): Promise<RedisRevocationStore> {
    const client = createSentinel({
      name: SENTINEL_MASTER_NAME,
      sentinelRootNodes: setup.sentinelRootNodes,
      nodeClientOptions: { socket: { connectTimeout: 1000, reconnectStrategy: () => 200 } },
      scanInterval: 200,
    });
    client.on('error', () => undefined);
    clients.push(client);
    const store = new RedisRevocationStore({ client, keyPrefix: 'sentinel-test:' });
    stores.push(store);
    await store.start();
    return store;
  }

  it('works on a createSentinel() client: two instances share a logout', async () => {
    const a = await sentinelStore();
    const b = await sentinelStore();
    expect(a.inSync && b.inSync).toBe(true);
    await a.revokeSession('S-1', Date.now() + HOUR);
    await waitFor(() => b.isRevoked({ userId: 'U', sessionId: 'S-1' }), 3000);
    expect(b.isRevoked({ userId: 'U', sessionId: 'S-2' })).toBe(false);
  });

  it('the master killed: the sentinel promotes the replica, no revocation is lost, and the staleness bound holds', async () => {
    let former = 0;
    const figures = await runFailoverScenario({
      store: () => sentinelStore(),
      killMaster: async () => {
        former = await setup.masterPort();
        await setup.kill(former);
      },
      waitPromoted: async () => void (await setup.waitFailover(former)),
    });
    console.info(`Sentinel failover: ${figures}`);
  });
});
