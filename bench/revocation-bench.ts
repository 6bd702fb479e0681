/**
 * Revocations at scale (issue 16.2): N records in the Redis store's own format (90 % sessions, 10 %
 * user cutoffs, ends spread over 30 days) in a real redis-server, then
 * - one instance (its own process): time to in sync, longest event-loop stall, mirror heap, peak
 *   heap; then Redis loses everything and the instance writes every record back;
 * - four instances and a writer at 1,000 logouts/s for 5 s: how long a logout takes to reach each
 *   instance's mirror.
 * `npm run bench` runs it at 100,000 and 1,000,000 records, mirror `auto` (the default) and `all`;
 * `npm run bench:revocations [-- 100000 10000000] [auto|all|recent]` runs any sizes and modes alone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createClient } from 'redis';
import { RedisRevocationStore } from '../lib/index.js';
import { startRedis } from './redis.js';
import { markdownTable } from './report.js';

const PREFIX = 'bench:';
const DAY = 86_400_000;
const INSTANCE = fileURLToPath(new URL('./revocation-instance.js', import.meta.url));

function bulk(text: string): string {
  return `$${Buffer.byteLength(text)}\r\n${text}\r\n`;
}

/** Writes `count` records with `redis-cli --pipe` (the store's keys and values, PXAT at the end). */
async function load(url: string, count: number): Promise<void> {
  const port = new URL(url).port;
  const cli = spawn('redis-cli', ['-p', port, '--pipe'], { stdio: ['pipe', 'ignore', 'inherit'] });
  const done = new Promise<void>((resolve, reject) => cli.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`redis-cli --pipe exited ${code}`)))));
  const now = Date.now();
  let chunk = '';
  for (let index = 0; index < count; index++) {
    const until = String(now + DAY + Math.floor(Math.random() * 29 * DAY));
    const id = `${index.toString(36).padStart(6, '0')}${Math.random().toString(36).slice(2, 12)}-descope-like-session`;
    const user = index % 10 === 9;
    const key = `${PREFIX}revoked:${user ? 'u' : 's'}:${user ? 'U' : 'S'}${id}`;
    const value = user ? `${Math.floor(now / 1000) - Math.floor(Math.random() * 86_400)}:${until}` : until;
    chunk += `*5\r\n${bulk('SET')}${bulk(key)}${bulk(value)}${bulk('PXAT')}${bulk(until)}`;
    if (chunk.length > 1 << 20 || index === count - 1) {
      if (!cli.stdin!.write(chunk)) await new Promise((resolve) => cli.stdin!.once('drain', resolve));
      chunk = '';
    }
  }
  cli.stdin!.end();
  await done;
}

function instance(mode: string, url: string, mirror: string): { child: ChildProcess; lines: AsyncIterator<string> } {
  // BENCH_CPU_PROF=<dir>: each instance writes a V8 CPU profile there (to find what a stall is made of).
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, ['--expose-gc', '--max-old-space-size=8192', ...profile, INSTANCE, mode, url, PREFIX, mirror], { stdio: ['pipe', 'pipe', 'inherit'] });
  return { child, lines: createInterface({ input: child.stdout! })[Symbol.asyncIterator]() };
}

async function nextJson(lines: AsyncIterator<string>): Promise<Record<string, unknown>> {
  for (;;) {
    const { value, done } = await lines.next();
    if (done) throw new Error('instance exited without a result');
    if (value.startsWith('{')) return JSON.parse(value) as Record<string, unknown>;
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : Number.NaN;
}

/** 1,000 logouts/s for `seconds`, written by a fifth store; latencies as seen by four instances. */
async function propagation(url: string, seconds: number, mirror: string): Promise<{ p50: number; p99: number; max: number; received: number; sent: number; stallMs: number }> {
  const instances = Array.from({ length: 4 }, () => instance('propagate', url, mirror));
  for (const { lines } of instances) while ((await lines.next()).value !== 'ready');
  // The writer only writes: it needs no copy of the records.
  const writer = new RedisRevocationStore({ url, keyPrefix: PREFIX, mirror: 'recent' });
  await writer.start();
  let sent = 0;
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    const tickEnd = Date.now() + 10;
    const writes: Promise<void>[] = [];
    for (let index = 0; index < 10; index++) writes.push(writer.revokeSession(`P|${Date.now()}|${sent++}`, Date.now() + DAY));
    await Promise.all(writes);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, tickEnd - Date.now())));
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await writer.close();
  const results = await Promise.all(
    instances.map(async ({ child, lines }) => {
      child.stdin!.end();
      return (await nextJson(lines)) as { latencies: number[]; stallMs: number };
    }),
  );
  const all = results.flatMap((result) => result.latencies).sort((a, b) => a - b);
  return { p50: percentile(all, 50), p99: percentile(all, 99), max: all[all.length - 1] ?? Number.NaN, received: all.length, sent: sent * 4, stallMs: Math.max(...results.map((r) => r.stallMs)) };
}

/** Sizes and mirror modes `npm run bench` measures; `npm run bench:revocations -- <sizes> [modes]` picks others (10,000,000 takes minutes). */
export const DEFAULT_SIZES = [100_000, 1_000_000];
export const DEFAULT_MODES = ['all', 'auto'];

/** Measures each size and mirror mode; returns the table, with the machine it ran on. */
export async function revocationScale(sizes: readonly number[], modes: readonly string[]): Promise<string> {
  const rows: string[][] = [];
  for (const size of sizes) {
    // Each mode on a Redis of its own, loaded afresh: the restore step of the one before leaves Redis with what that mode wrote back.
    for (const mirror of modes) {
      const redis = await startRedis();
      try {
        const loadStarted = Date.now();
        await load(redis.url, size);
        const probe = createClient({ url: redis.url });
        await probe.connect();
        const keys = Number(await probe.sendCommand(['DBSIZE']));
        const redisMB = Number(/used_memory:(\d+)/.exec(String(await probe.sendCommand(['INFO', 'memory'])))?.[1]) / 1024 / 1024;
        probe.destroy();
        console.error(`loaded ${keys} records in ${Date.now() - loadStarted} ms (Redis ${redisMB.toFixed(0)} MB)`);
        rows.push(await measureMode(redis.url, size, mirror));
      } finally {
        redis.stop();
      }
    }
  }
  return (
    `Revocations at scale: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, one store per process, redis-server on loopback\n\n` +
    markdownTable(
      ['records in Redis', 'mirror', 'time to in sync', 'longest event-loop stall', 'longest GC pause (kind)', 'mirror heap', 'peak heap in sync', 'first check of a session p50 / p99', 'Redis lost everything: back in sync / stall', 'propagation p50 / p99 / max, 4 instances, 1,000 logouts/s', 'longest stall, 4 instances'],
      rows,
    )
  );
}

/** What `revocation-instance.ts sync` prints (JSON turns the skipped restore's NaN into null). */
interface SyncFigures {
  syncMs: number;
  stallMs: number;
  longestGcMs: number;
  longestGcKind: string;
  mirrorMB: number;
  peakMB: number;
  firstCheckP50: number;
  firstCheckP99: number;
  restoreMs: number | null;
  restoreStallMs: number | null;
  restoredKeys: number;
}

async function measureMode(url: string, size: number, mirror: string): Promise<string[]> {
  const single = instance('sync', url, mirror);
  const s = (await nextJson(single.lines)) as unknown as SyncFigures;
  console.error(`${size} ${mirror}: ${JSON.stringify(s)}`);
  // BENCH_SKIP_PROPAGATION=1: the single-instance figures only.
  const p = process.env.BENCH_SKIP_PROPAGATION ? undefined : await propagation(url, 5, mirror);
  const f = (value: number | null | undefined, digits = 0) => (typeof value === 'number' ? value.toFixed(digits) : 'skipped');
  const row = [
    size.toLocaleString('en-US'),
    mirror,
    `${f(s.syncMs / 1000, 2)} s`,
    `${f(s.stallMs)} ms`,
    `${f(s.longestGcMs)} ms (${s.longestGcKind})`,
    `${f(s.mirrorMB)} MB`,
    `${f(s.peakMB)} MB`,
    `${f(s.firstCheckP50, 2)} / ${f(s.firstCheckP99, 2)} ms`,
    typeof s.restoreMs === 'number' ? `${f(s.restoreMs / 1000, 2)} s / ${f(s.restoreStallMs)} ms (${s.restoredKeys.toLocaleString('en-US')} keys)` : 'skipped (BENCH_SKIP_RESTORE)',
    p ? `${p.p50} / ${p.p99} / ${p.max} ms (${p.received}/${p.sent})` : 'skipped',
    p ? `${f(p.stallMs)} ms` : 'skipped',
  ];
  console.error(row.join(' | '));
  return row;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  const modes = process.argv.slice(2).filter((arg) => arg === 'auto' || arg === 'all' || arg === 'recent');
  console.log(`\n${await revocationScale(sizes.length ? sizes : DEFAULT_SIZES, modes.length ? modes : DEFAULT_MODES)}`);
  process.exit(0);
}
