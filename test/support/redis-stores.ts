import { RedisRevocationStore, type RedisRevocationStoreOptions } from '../../lib/index.js';
import { RedisServer } from './redis-server.js';

/**
 * A redis-server for one suite and the stores its tests start on it: registers the Jest hooks.
 * After each test the stores are closed and the server is running (resumed or restarted) again.
 */
export function redisStores(keyPrefix: string) {
  let server: RedisServer | undefined;
  const stores: RedisRevocationStore[] = [];

  beforeAll(async () => {
    server = await RedisServer.start();
  });

  afterEach(async () => {
    server!.resume();
    await Promise.all(stores.splice(0).map((created) => created.close()));
    if (!server!.running) await server!.restart();
  });

  afterAll(async () => {
    await server?.dispose();
  });

  return {
    get redis(): RedisServer {
      return server!;
    },
    /** A started store on the suite's server. */
    async store(options: RedisRevocationStoreOptions = {}): Promise<RedisRevocationStore> {
      const created = new RedisRevocationStore({ url: server!.url, keyPrefix, ...options });
      stores.push(created);
      await created.start();
      return created;
    },
  };
}
