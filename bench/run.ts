import 'reflect-metadata';
import os from 'node:os';
import { httpTable, pairedRatio, runHttpBench, type HttpResults, type ScenarioName } from './http-bench.js';
import { count, markdownTable, ratio } from './report.js';
import type { AppVariant } from './server/app-config.js';
import { timeVerification, type VerifyFigures } from './verify-timing.js';

/** Defaults keep a full run under about two minutes on 2 cores; each can be changed from the environment. */
function setting(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}

const HTTP = {
  rounds: setting('BENCH_ROUNDS', 8),
  seconds: setting('BENCH_SECONDS', 1),
  warmUpSeconds: setting('BENCH_WARMUP_SECONDS', 1),
  connections: 10,
  tokenCount: 20_000,
};
const VERIFY_MS = setting('BENCH_VERIFY_MS', 4000);
/** `http` or `verify` runs one part alone (while working on it); the default runs both. */
const ONLY = process.env.BENCH_ONLY;

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const load = os.loadavg().map((n) => n.toFixed(2)).join(' ');
  return `${os.availableParallelism()} cores (nproc), ${cpu}, Node ${process.version}, ${os.platform()} ${os.release()}; load average at start ${load}`;
}

function printTargets(http: HttpResults | undefined, verification: readonly VerifyFigures[]): void {
  console.log('\nTargets:');
  const target = (name: string, value: number, bound: number) =>
    console.log(`- ${name}: ${value.toFixed(3)}x (target >= ${ratio(bound)}) ${value >= bound ? 'met' : 'NOT met'}`);
  if (http) {
    const versus = (scenario: ScenarioName, variant: AppVariant, base: AppVariant) => pairedRatio(http, scenario, variant, base, 'requestsPerSecond');
    target('same token, SessionGuard vs no guard', versus('same token', 'session-guard', 'no-guard'), 0.9);
    target('different tokens, SessionGuard vs passport-jwt', versus('different tokens', 'session-guard', 'passport-jwt'), 2);
    const redisSkipped = http.skipped.get('session-guard-redis');
    if (redisSkipped) console.log(`- Redis store within 5 % of in-memory: ${redisSkipped}`);
    else {
      for (const scenario of http.rounds.keys()) {
        target(`Redis store vs in-memory, ${scenario}`, versus(scenario, 'session-guard-redis', 'session-guard'), 0.95);
      }
    }
  }
  for (const v of verification) {
    target(`validateSession cache hit vs jwtVerify, ${v.alg}`, v.hit / v.jwtVerify, 20);
    target(`validateSession cache miss vs jwtVerify, ${v.alg}`, v.miss / v.jwtVerify, 0.9);
  }
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  console.log(`nestjs-jwt-session benchmark: ${machine()}\n`);

  let http: HttpResults | undefined;
  if (ONLY !== 'verify') {
    console.log(
      `HTTP on loopback, Express, ES256 tokens, autocannon with ${HTTP.connections} connections. Per scenario and app: ` +
        `${HTTP.warmUpSeconds} s warm-up, then ${HTTP.rounds} rounds of ${HTTP.seconds} s with the apps taking turns. ` +
        'Figures are medians over the rounds; a ratio is the median of the per-round ratios to the app without a guard.\n',
    );
    http = await runHttpBench(HTTP);
    console.log(httpTable(http, HTTP.tokenCount));
    console.log(`\nJWKS requests during the loads: ${http.jwksRequestsDuringLoads} (keys are cached: no network round trip per request)`);
  }

  const verification: VerifyFigures[] = [];
  if (ONLY !== 'http') {
    for (const alg of ['ES256', 'RS256', 'EdDSA']) verification.push(await timeVerification(alg, VERIFY_MS));
    console.log(
      `\nSessionService.validateSession against jose's jwtVerify on the same tokens, 8 calls in flight, ` +
        `batches of each interleaved for ${VERIFY_MS / 1000} s per algorithm, median batch:\n`,
    );
    console.log(
      markdownTable(
        ['alg', 'jwtVerify ops/s', 'validateSession miss ops/s', 'miss vs jwtVerify', 'validateSession hit ops/s', 'hit vs jwtVerify'],
        verification.map((v) => [v.alg, count(v.jwtVerify), count(v.miss), ratio(v.miss / v.jwtVerify), count(v.hit), ratio(v.hit / v.jwtVerify)]),
      ),
    );
  }

  printTargets(http, verification);
  console.log(`\nTotal time: ${((Date.now() - startedAt) / 1000).toFixed(0)} s. Repeat with: npm run bench`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
