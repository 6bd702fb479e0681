import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createCluster } from 'redis';
import { redisBinary, redisCli, untilRedis } from './redis-cli.js';
import { freePort } from './free-port.js';
import { pings } from './redis-server.js';

const run = promisify(execFile);
const SERVER = redisBinary('redis-server');
const CLI = redisBinary('redis-cli');
const cli = redisCli;
const until = (what: string, check: () => Promise<boolean>, timeoutMs?: number) => untilRedis(`Redis cluster: ${what}`, check, timeoutMs);

/** One redis-server of the cluster. */
export interface ClusterNode {
  readonly port: number;
  process?: ChildProcess;
}

/**
 * A local Redis Cluster of Debian's `redis-server` on loopback and free ports: `masters` masters,
 * each with `replicasPerMaster` replicas, without persistence, a 1 s node timeout (fast failover).
 * Stop it in `afterAll`.
 */
export class RedisCluster {
  private readonly dir = mkdtempSync(join(tmpdir(), 'redis-cluster-'));
  private readonly clients: { destroy(): unknown }[] = [];

  private constructor(readonly nodes: ClusterNode[]) {}

  static async start(masters = 3, replicasPerMaster = 1): Promise<RedisCluster> {
    if (!SERVER || !CLI) throw new Error('redis-server / redis-cli are not installed: apt-get install -y redis-server');
    const ports: number[] = [];
    while (ports.length < masters * (1 + replicasPerMaster)) {
      const port = await freePort();
      // The cluster bus listens on port + 10000: both must be free.
      if (port < 55_000 && !ports.includes(port)) ports.push(port);
    }
    const cluster = new RedisCluster(ports.map((port) => ({ port })));
    try {
      await Promise.all(cluster.nodes.map((node) => cluster.launch(node)));
      await run(CLI, ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', String(replicasPerMaster), '--cluster-yes']);
      await cluster.waitHealthy();
      await until('every replica linked to its master', async () => {
        for (const node of cluster.nodes) {
          const info = await cli(node.port, 'INFO', 'replication');
          if (info.includes('role:slave') && !info.includes('master_link_status:up')) return false;
        }
        return true;
      });
    } catch (error) {
      await cluster.dispose();
      throw error;
    }
    return cluster;
  }

  /** node-redis `createCluster` root nodes. */
  get rootNodes(): { url: string }[] {
    return this.nodes.map((node) => ({ url: `redis://127.0.0.1:${node.port}` }));
  }

  /** A node-redis `createCluster()` client on this cluster (not connected; quick to notice a dead node), destroyed by `dispose()`. */
  client() {
    const client = createCluster({ rootNodes: this.rootNodes, defaults: { socket: { connectTimeout: 1000, reconnectStrategy: () => 200 } } });
    client.on('error', () => undefined);
    this.clients.push(client);
    return client;
  }

  /** The port of the master currently serving `key`'s slot. */
  async masterOf(key: string): Promise<number> {
    const slot = Number((await cli(this.alive()[0]!.port, 'CLUSTER', 'KEYSLOT', key)).trim());
    for (const line of (await cli(this.alive()[0]!.port, 'CLUSTER', 'NODES')).split('\n')) {
      const [, address, flags, , , , , state, ...ranges] = line.split(' ');
      if (!flags?.includes('master') || flags.includes('fail') || state !== 'connected') continue;
      for (const range of ranges) {
        const [from, to = from] = range.split('-').map(Number);
        if (slot >= from! && slot <= to!) return Number(address!.split(':')[1]!.split('@')[0]);
      }
    }
    throw new Error(`no master serves slot ${slot}`);
  }

  /** SIGKILL of one node (no shutdown save: what it had not replicated is lost). */
  async kill(port: number): Promise<void> {
    const node = this.nodes.find((candidate) => candidate.port === port);
    const child = node?.process;
    if (!node || !child) return;
    node.process = undefined;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  /** Waits until every live node reports `cluster_state:ok` (after a failover: a replica promoted). */
  async waitHealthy(timeoutMs = 30_000): Promise<void> {
    await until('cluster_state:ok on every node', async () => {
      for (const node of this.alive()) if (!(await cli(node.port, 'CLUSTER', 'INFO')).includes('cluster_state:ok')) return false;
      return true;
    }, timeoutMs);
  }

  async dispose(): Promise<void> {
    this.clients.splice(0).forEach((client) => client.destroy());
    await Promise.all(this.nodes.map((node) => this.kill(node.port)));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private alive(): ClusterNode[] {
    return this.nodes.filter((node) => node.process);
  }

  private async launch(node: ClusterNode): Promise<void> {
    const child = spawn(
      SERVER!,
      [
        '--port', String(node.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir,
        '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${node.port}.conf`, '--cluster-node-timeout', '1000',
        // A replica may always take over (else one whose link is "too old" never does, and the slots stay down).
        '--cluster-replica-validity-factor', '0',
        '--loglevel', 'warning',
      ],
      { stdio: 'ignore' },
    );
    node.process = child;
    await until(`redis-server on port ${node.port}`, () => pings(node.port), 10_000);
  }
}
