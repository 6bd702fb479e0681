import { createClient } from 'redis';
import { RedisRevocationStore, type RedisRevocationStoreOptions } from '../../lib/index.js';
import { RedisServer } from './redis-server.js';

/** A plain client on the suite's server, for what a test does to Redis behind the stores' backs. */
export interface RedisProbe {
  send(args: string[]): Promise<unknown>;
  /** How many times Redis ran `command` (INFO commandstats). */
  calls(command: string): Promise<number>;
}

/**
 * A redis-server for one suite and the stores its tests start on it: registers the Jest hooks.
 * After each test the stores are closed and the server is running (resumed or restarted) again.
 */
export function redisStores(keyPrefix: string) {
  let server: RedisServer | undefined;
  let client: ReturnType<typeof createClient> | undefined;
  const stores: RedisRevocationStore[] = [];
  const probe: RedisProbe = {
    send: (args) => client!.sendCommand(args),
    calls: async (command) => Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(String(await client!.sendCommand(['INFO', 'commandstats'])))?.[1] ?? 0),
  };

  beforeAll(async () => {
    server = await RedisServer.start();
    client = createClient({ url: server.url });
    // Tests stop and restart the server: the probe reconnects by itself.
    client.on('error', () => undefined);
    await client.connect();
  });

  afterEach(async () => {
    server!.resume();
    await Promise.all(stores.splice(0).map((created) => created.close()));
    if (!server!.running) await server!.restart();
  });

  afterAll(async () => {
    client?.destroy();
    await server?.dispose();
  });

  return {
    get redis(): RedisServer {
      return server!;
    },
    probe,
    /** A started store on the suite's server. */
    async store(options: RedisRevocationStoreOptions = {}): Promise<RedisRevocationStore> {
      const created = new RedisRevocationStore({ url: server!.url, keyPrefix, ...options });
      stores.push(created);
      await created.start();
      return created;
    },
  };
}
