import { InMemoryRevocationStore, RedisRevocationStore, type RedisRevocationStoreOptions } from '../../lib/index.js';
import { RedisServer } from '../support/redis-server.js';
import { MemoryBackend } from './fixtures/memory-backend.js';
import { PollingRevocationStore } from './fixtures/polling-revocation.store.js';
import { describeStoreContract } from './store-contract.js';

/** The one contract, run against the two built-in stores and the worked example of docs/stores.md. */
describeStoreContract('InMemoryRevocationStore', {
  shared: false,
  create: async () => new InMemoryRevocationStore(),
});

/** Each mirror mode; `'auto'` past a low `mirrorAllUpTo` switches during the suite. */
const redisModes: [string, RedisRevocationStoreOptions][] = [
  ['default: mirror auto', {}],
  ["mirror: 'all'", { mirror: 'all' }],
  ["mirror: 'recent'", { mirror: 'recent' }],
  ["mirror: 'auto', switching past mirrorAllUpTo: 2", { mirrorAllUpTo: 2 }],
];
for (const [name, options] of redisModes) {
  let redis: RedisServer | undefined;
  describeStoreContract(`RedisRevocationStore (${name})`, {
    shared: true,
    propagationMs: 2000,
    before: async () => {
      redis = await RedisServer.start();
    },
    after: async () => {
      await redis?.dispose();
    },
    create: async () => {
      const store = new RedisRevocationStore({ url: redis!.url, keyPrefix: 'contract:', ...options });
      await store.start();
      return store;
    },
  });
}

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

