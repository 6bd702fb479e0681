import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redisBinary, redisCli, untilRedis } from './redis-cli.js';
import { freePort } from './free-port.js';
import { pings } from './redis-server.js';

const SERVER = redisBinary('redis-server');
const SENTINEL = redisBinary('redis-sentinel');
const CLI = redisBinary('redis-cli');
export const SENTINEL_MASTER_NAME = 'revocations';
const cli = redisCli;
const until = (what: string, check: () => Promise<boolean>, timeoutMs?: number) => untilRedis(`Redis sentinel set-up: ${what}`, check, timeoutMs);

/**
 * A Sentinel set-up of Debian's packages on loopback and free ports: one master, one replica and
 * one sentinel (quorum 1, the master down after 1 s), without persistence. Stop it in `afterAll`.
 */
export class RedisSentinelSetup {
  private readonly dir = mkdtempSync(join(tmpdir(), 'redis-sentinel-'));
  private readonly children = new Map<number, ChildProcess>();

  private constructor(
    readonly dataPorts: number[],
    readonly sentinelPort: number,
  ) {}

  static async start(): Promise<RedisSentinelSetup> {
    if (!SERVER || !SENTINEL || !CLI) throw new Error('redis-server / redis-sentinel are not installed: apt-get install -y redis-server redis-sentinel');
    const setup = new RedisSentinelSetup([await freePort(), await freePort()], await freePort());
    try {
      const [master, replica] = setup.dataPorts as [number, number];
      await setup.launch(SERVER, master, []);
      await setup.launch(SERVER, replica, ['--replicaof', '127.0.0.1', String(master)]);
      await until('the replica linked to the master', async () => (await cli(replica, 'INFO', 'replication')).includes('master_link_status:up'));
      const config = join(setup.dir, 'sentinel.conf');
      writeFileSync(
        config,
        [
          `port ${setup.sentinelPort}`,
          'bind 127.0.0.1',
          `dir ${setup.dir}`,
          `sentinel monitor ${SENTINEL_MASTER_NAME} 127.0.0.1 ${master} 1`,
          `sentinel down-after-milliseconds ${SENTINEL_MASTER_NAME} 1000`,
          `sentinel failover-timeout ${SENTINEL_MASTER_NAME} 5000`,
          '',
        ].join('\n'),
      );
      await setup.launch(SENTINEL, setup.sentinelPort, [], config);
      await until('the sentinel knows the replica', async () => (await cli(setup.sentinelPort, 'SENTINEL', 'REPLICAS', SENTINEL_MASTER_NAME)).includes(String(replica)));
    } catch (error) {
      await setup.dispose();
      throw error;
    }
    return setup;
  }

  /** node-redis `createSentinel` root nodes. */
  get sentinelRootNodes(): { host: string; port: number }[] {
    return [{ host: '127.0.0.1', port: this.sentinelPort }];
  }

  /** The port of the current master, as the sentinel names it. */
  async masterPort(): Promise<number> {
    const reply = await cli(this.sentinelPort, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', SENTINEL_MASTER_NAME);
    return Number(reply.trim().split('\n')[1]);
  }

  /** SIGKILL of one node. */
  async kill(port: number): Promise<void> {
    const child = this.children.get(port);
    if (!child) return;
    this.children.delete(port);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  /** Waits until the sentinel names a master other than `formerPort` and that master answers as one. */
  async waitFailover(formerPort: number, timeoutMs = 30_000): Promise<number> {
    await until('a replica promoted', async () => {
      const port = await this.masterPort();
      return port !== formerPort && (await cli(port, 'INFO', 'replication')).includes('role:master');
    }, timeoutMs);
    return this.masterPort();
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.children.keys()].map((port) => this.kill(port)));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async launch(binary: string, port: number, args: string[], config?: string): Promise<void> {
    const base = config ? [config] : ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir];
    const child = spawn(binary, [...base, ...args, '--loglevel', 'warning'], { stdio: 'ignore' });
    this.children.set(port, child);
    await until(`${binary} on port ${port}`, () => pings(port), 10_000);
  }
}
