import 'reflect-metadata';
import os from 'node:os';
import { timeRawVerify, type CryptoFigures } from './crypto-limit.js';
import { redisPlan } from './redis.js';
import { DEFAULT_MODES, DEFAULT_SIZES, revocationScale } from './revocation-bench.js';
import { runHttpBench, type HttpResults } from './http-bench.js';
import { detailTable, medianOf, pairedRatio, sideBySideTable } from './http-report.js';
import { count, markdownTable, ratio } from './report.js';
import type { AppVariant } from './server/app-config.js';
import { timeVerification, type VerifyFigures } from './verify-timing.js';

/** Defaults keep a full run under about fifteen minutes on 2 cores; each can be changed from the environment. */
function setting(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}

const ALGORITHMS = (process.env.BENCH_ALGS ?? 'ES256,RS256,EdDSA').split(',').filter(Boolean);
const HTTP = {
  rounds: setting('BENCH_ROUNDS', 8),
  seconds: setting('BENCH_SECONDS', 1),
  warmUpSeconds: setting('BENCH_WARMUP_SECONDS', 1),
  connections: 16,
  tokenCount: 20_000,
  algorithms: ALGORITHMS,
};
const VERIFY_MS = setting('BENCH_VERIFY_MS', 3000);
/** Records in Redis for the revocation part, e.g. `BENCH_REVOCATION_SIZES=100000,10000000`. */
const REVOCATION_SIZES = process.env.BENCH_REVOCATION_SIZES ? process.env.BENCH_REVOCATION_SIZES.split(',').map(Number) : DEFAULT_SIZES;
if (REVOCATION_SIZES.some((n) => !Number.isSafeInteger(n) || n <= 0)) throw new Error('BENCH_REVOCATION_SIZES must be positive integers, comma-separated');
/** `http`, `verify` or `revocations` runs one part alone (while working on it); the default runs all three. */
const ONLY = process.env.BENCH_ONLY;

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.availableParallelism()} cores (nproc), ${cpu}, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

const loadAverage = () => os.loadavg().map((n) => n.toFixed(2)).join(' ');

function printTargets(http: HttpResults | undefined, verification: readonly VerifyFigures[]): void {
  console.log('\nTargets:');
  const target = (name: string, value: number, bound: number) =>
    console.log(`- ${name}: ${value.toFixed(3)}x (target >= ${ratio(bound)}) ${value >= bound ? 'met' : 'NOT met'}`);
  for (const [alg, run] of http?.byAlgorithm ?? []) {
    target(`${alg}, same token, SessionGuard vs no guard`, pairedRatio(run, 'same token', 'session-guard', 'no-guard'), 0.95);
    target(`${alg}, distinct tokens, SessionGuard vs no guard`, pairedRatio(run, 'distinct tokens', 'session-guard', 'no-guard'), 0.7);
    target(`${alg}, distinct tokens, SessionGuard vs bare jose guard`, pairedRatio(run, 'distinct tokens', 'session-guard', 'jose-guard'), 1.15);
    if (run.rounds.get('same token')?.has('session-guard-redis')) {
      for (const scenario of run.rounds.keys()) {
        target(`${alg}, Redis store vs in-memory, ${scenario}`, pairedRatio(run, scenario, 'session-guard-redis', 'session-guard'), 0.95);
      }
    }
  }
  for (const v of verification) {
    target(`validateSession cache hit vs jwtVerify, ${v.alg}`, v.hit / v.jwtVerify, 20);
    target(`validateSession cache miss vs jwtVerify, ${v.alg}`, v.miss / v.jwtVerify, 0.9);
  }
}

/**
 * The crypto limit beside the request cost, per algorithm. On a machine whose cores are all busy,
 * throughput follows the CPU time a request costs in all processes (the app's threads and the load
 * generator's): a guard whose only cost were jose's signature check would reach at best
 * (app + load) / (app + load + verify) of the app without a guard.
 */
function costTable(raw: readonly CryptoFigures[], http: HttpResults | undefined): string {
  const us = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '');
  return markdownTable(
    [
      'alg',
      'compactVerify CPU µs',
      'wall µs, 1 in flight',
      'wall µs, 8 in flight',
      'no guard: app + load CPU µs/request',
      'SessionGuard miss: app CPU µs added',
      'bare jose guard: app CPU µs added',
      'best ratio to no guard (verify only)',
      'best ratio to bare jose (verify only)',
    ],
    raw.map((r) => {
      const run = http?.byAlgorithm.get(r.alg);
      const cpu = (variant: AppVariant, figure: 'cpuUs' | 'loadCpuUs' = 'cpuUs') => (run ? medianOf(run, 'distinct tokens', variant, figure) : Number.NaN);
      const bare = cpu('no-guard') + cpu('no-guard', 'loadCpuUs');
      const jose = cpu('jose-guard') + cpu('jose-guard', 'loadCpuUs');
      return [
        r.alg,
        us(r.cpuUs),
        us(r.serialUs),
        us(r.concurrentUs),
        us(bare),
        us(cpu('session-guard') - cpu('no-guard')),
        us(cpu('jose-guard') - cpu('no-guard')),
        Number.isFinite(bare) ? ratio(bare / (bare + r.cpuUs)) : '',
        Number.isFinite(jose) ? ratio(jose / (bare + r.cpuUs)) : '',
      ];
    }),
  );
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  console.log(`nestjs-jwt-session benchmark: ${machine()}; load average at start ${loadAverage()}\n`);

  let http: HttpResults | undefined;
  if (ONLY === undefined || ONLY === 'http') {
    console.log(
      `HTTP on loopback, Express, tokens shaped like Descope's, autocannon with ${HTTP.connections} connections. Per algorithm, scenario and app: ` +
        `${HTTP.warmUpSeconds} s warm-up, then ${HTTP.rounds} rounds of ${HTTP.seconds} s with the apps taking turns. ` +
        'A ratio is the median of the per-round ratios to the app without a guard.\n',
    );
    http = await runHttpBench(HTTP);
    console.log(sideBySideTable(http, HTTP.tokenCount));
    console.log(`\nIn detail (medians over the rounds):\n\n${detailTable(http, HTTP.tokenCount)}`);
    console.log(`\nJWKS requests during the loads: ${http.jwksRequestsDuringLoads} (keys are cached: no network round trip per request)`);
    console.log(`Load average after the HTTP part: ${loadAverage()}`);
  }

  const verification: VerifyFigures[] = [];
  const raw: CryptoFigures[] = [];
  if (ONLY === undefined || ONLY === 'verify') {
    for (const alg of ALGORITHMS) raw.push(await timeRawVerify(alg, VERIFY_MS / 2));
    console.log(
      "\nThe crypto limit: jose's compactVerify with the key already a CryptoKey (signature, header parse, base64url; " +
        'no key set, no claims), median batch; beside it the CPU a request costs in the HTTP run with distinct tokens ' +
        "(medians over the rounds; the app's process with all its threads, and the load generator), and the best ratios " +
        'a guard whose only cost were that signature check could reach on a machine whose cores are all busy:\n',
    );
    console.log(costTable(raw, http));
    for (const alg of ALGORITHMS) verification.push(await timeVerification(alg, VERIFY_MS));
    console.log(
      `\nSessionService.validateSession against jose's jwtVerify on the same tokens, 8 calls in flight, ` +
        `batches of each interleaved for ${VERIFY_MS / 1000} s per algorithm, median batch:\n`,
    );
    console.log(
      markdownTable(
        ['alg', 'jwtVerify ops/s', 'validateSession miss ops/s', 'miss vs jwtVerify', 'jwtVerify CPU µs', 'miss CPU µs', 'validateSession hit ops/s', 'hit vs jwtVerify'],
        verification.map((v) => [
          v.alg,
          count(v.jwtVerify),
          count(v.miss),
          ratio(v.miss / v.jwtVerify),
          v.jwtVerifyCpuUs.toFixed(0),
          v.missCpuUs.toFixed(0),
          count(v.hit),
          ratio(v.hit / v.jwtVerify),
        ]),
      ),
    );
  }

  if (ONLY === undefined || ONLY === 'revocations') {
    const redis = redisPlan();
    console.log(`\n${redis.ready ? await revocationScale(REVOCATION_SIZES, DEFAULT_MODES) : `Revocations at scale: ${redis.skipped}`}`);
  }

  printTargets(http, verification);
  console.log(`\nLoad average at the end: ${loadAverage()}. Total time: ${((Date.now() - startedAt) / 1000).toFixed(0)} s. Repeat with: npm run bench`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
