import { InMemoryRevocationStore, RedisRevocationStore } from '../../lib/index.js';
import { RedisServer } from '../support/redis-server.js';
import { MemoryBackend } from './fixtures/memory-backend.js';
import { PollingRevocationStore } from './fixtures/polling-revocation.store.js';
import { describeStoreContract } from './store-contract.js';

/** The one contract, run against the two built-in stores and the worked example of docs/stores.md. */
describeStoreContract('InMemoryRevocationStore', {
  shared: false,
  create: async () => new InMemoryRevocationStore(),
});

let redis: RedisServer | undefined;
describeStoreContract('RedisRevocationStore', {
  shared: true,
  propagationMs: 2000,
  before: async () => {
    redis = await RedisServer.start();
  },
  after: async () => {
    await redis?.dispose();
  },
  create: async () => {
    const store = new RedisRevocationStore({ url: redis!.url, keyPrefix: 'contract:' });
    await store.start();
    return store;
  },
});

let backend = new MemoryBackend();
describeStoreContract('PollingRevocationStore (the worked example)', {
  shared: true,
  propagationMs: 200 + 100,
  before: async () => {
    backend = new MemoryBackend();
  },
  create: async () => {
    const store = new PollingRevocationStore(backend, 200);
    await store.start();
    return store;
  },
});

