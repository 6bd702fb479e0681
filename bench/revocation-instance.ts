/**
 * One application instance of the revocation bench, in its own process (its own heap and event
 * loop): started by revocation-bench.ts with `node --expose-gc`, it answers on stdout in JSON.
 *   sync <url> <prefix>       time to in sync, longest event-loop stall, mirror heap, peak heap;
 *                             then Redis loses everything (FLUSHALL): time to in sync again (every
 *                             record written back) and the stall meanwhile
 *   propagate <url> <prefix>  in sync, prints "ready", then records how long each revocation named
 *                             `P|<sent ms>|<n>` took to reach the mirror, until stdin closes
 */
import { constants, monitorEventLoopDelay, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { createClient } from 'redis';
import { RedisRevocationStore } from '../lib/index.js';
import type { RevocationRecord } from '../lib/index.js';

const [mode, url, keyPrefix, mirrorArg] = process.argv.slice(2) as [string, string, string, string];
const mirror = mirrorArg === 'recent' || mirrorArg === 'all' ? mirrorArg : 'auto';
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const MB = 1024 * 1024;

function heap(): number {
  return process.memoryUsage().heapUsed;
}

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental marking',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};

/** Garbage-collection pauses on the main thread while `measured` runs: is a stall the collector's? */
interface GcFigures {
  gcMs: number;
  longestGcMs: number;
  longestGcKind: string;
}

/** Runs `work` while sampling the heap, the event-loop delay and the collector's pauses. */
async function measured<T>(work: () => Promise<T>): Promise<{ result: T; ms: number; stallMs: number; peak: number } & GcFigures> {
  const pauses: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => pauses.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  const delay = monitorEventLoopDelay({ resolution: 10 });
  let peak = heap();
  const sampler = setInterval(() => (peak = Math.max(peak, heap())), 10);
  delay.enable();
  const started = performance.now();
  const result = await work();
  const ms = performance.now() - started;
  delay.disable();
  clearInterval(sampler);
  await new Promise((resolve) => setImmediate(resolve));
  observer.disconnect();
  const longest = pauses.reduce<PerformanceEntry | undefined>((a, b) => (a && a.duration >= b.duration ? a : b), undefined);
  const kind = (longest as { detail?: { kind?: number } } | undefined)?.detail?.kind;
  return {
    result,
    ms,
    stallMs: delay.max / 1e6,
    peak: Math.max(peak, heap()),
    gcMs: pauses.reduce((sum, entry) => sum + entry.duration, 0),
    longestGcMs: longest?.duration ?? 0,
    longestGcKind: kind === undefined ? 'none' : (GC_KINDS[kind] ?? String(kind)),
  };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

async function sync(): Promise<void> {
  gc();
  const base = heap();
  const store = new RedisRevocationStore({ url, keyPrefix, startTimeoutMs: 3_600_000, mirror });
  const first = await measured(() => store.start());
  gc();
  const mirrorBytes = heap() - base;
  // The first check of 2,000 sessions (one in ten revoked in Redis), one after another: under
  // mirror 'recent' each is a round trip to Redis, under 'all' an answer from the mirror.
  const ids = (await createClient({ url }).connect().then(async (client) => {
    const reply = (await client.sendCommand(['SCAN', '0', 'MATCH', `${keyPrefix}revoked:s:*`, 'COUNT', '2000'])) as [string, string[]];
    client.destroy();
    return reply[1].slice(0, 200).map((key) => key.slice(`${keyPrefix}revoked:s:`.length));
  })) as string[];
  const checks: number[] = [];
  for (let index = 0; index < 2000; index++) {
    const sessionId = index % 10 === 0 && ids.length ? ids[(index / 10) % ids.length]! : `live-${index}`;
    const started = performance.now();
    const answer = await store.isRevoked({ userId: `user-${index}`, sessionId, startedAt: 1 });
    checks.push(performance.now() - started);
    if (answer !== !sessionId.startsWith('live-')) throw new Error(`wrong answer for ${sessionId}`);
  }
  checks.sort((a, b) => a - b);
  const side = createClient({ url });
  await side.connect();
  // BENCH_SKIP_RESTORE=1: sizes whose write-back takes too long to wait for.
  const restore = process.env.BENCH_SKIP_RESTORE ? { ms: Number.NaN, stallMs: Number.NaN } : await measured(async () => {
    await side.sendCommand(['FLUSHALL']);
    await until(() => !store.inSync);
    await until(() => store.inSync);
  });
  const restored = Number(await side.sendCommand(['DBSIZE']));
  side.destroy();
  await store.close();
  console.log(
    JSON.stringify({
      syncMs: first.ms,
      stallMs: first.stallMs,
      gcMs: first.gcMs,
      longestGcMs: first.longestGcMs,
      longestGcKind: first.longestGcKind,
      mirrorMB: mirrorBytes / MB,
      firstCheckP50: checks[Math.floor(checks.length / 2)],
      firstCheckP99: checks[Math.floor(checks.length * 0.99)],
      peakMB: (first.peak - base) / MB,
      restoreMs: restore.ms,
      restoreStallMs: restore.stallMs,
      restoredKeys: restored,
    }),
  );
}

async function propagate(): Promise<void> {
  const store = new RedisRevocationStore({ url, keyPrefix, startTimeoutMs: 3_600_000, mirror });
  await store.start();
  const latencies: number[] = [];
  // The bench peeks at the mirror: the moment a record reaches it is the moment checks refuse it.
  const ledger = (store as unknown as { ledger: { merge(record: RevocationRecord): boolean } }).ledger;
  const merge = ledger.merge.bind(ledger);
  ledger.merge = (record) => {
    const changed = merge(record);
    if (changed && record.id.startsWith('P|')) latencies.push(Date.now() - Number(record.id.split('|')[1]));
    return changed;
  };
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  console.log('ready');
  process.stdin.resume();
  await new Promise((resolve) => process.stdin.once('end', resolve));
  delay.disable();
  await store.close();
  console.log(JSON.stringify({ latencies, stallMs: delay.max / 1e6 }));
}

await (mode === 'sync' ? sync() : propagate());
process.exit(0);
