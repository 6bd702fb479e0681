import 'reflect-metadata';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp } from './app-process.js';
import { summarizeProfile, type CpuProfile } from './cpu-profile.js';
import { AUDIENCE, ISSUER, JwksEndpoint, signingKey, signTokens } from './fixtures.js';
import { runLoad } from './load.js';
import type { AppVariant } from './server/app-config.js';

/**
 * `npm run bench:profile`: one app under the distinct-token load (every request a cache miss)
 * with `node --cpu-prof`, then the self time of its main thread by area and by frame.
 * BENCH_ALG (ES256), BENCH_PROFILE_APP (session-guard), BENCH_PROFILE_SECONDS (10) and
 * BENCH_PROFILE_TOKENS (20,000; 1 profiles the cache hit) change it.
 */
async function main(): Promise<void> {
  const alg = process.env.BENCH_ALG ?? 'ES256';
  const variant = (process.env.BENCH_PROFILE_APP ?? 'session-guard') as AppVariant;
  const seconds = Number(process.env.BENCH_PROFILE_SECONDS ?? 10);
  const key = await signingKey(alg);
  const tokenCount = Number(process.env.BENCH_PROFILE_TOKENS ?? 20_000);
  const tokens = await signTokens(key, tokenCount);
  const jwks = await new JwksEndpoint([key.publicJwk]).start();
  const dir = mkdtempSync(join(tmpdir(), 'bench-profile-'));
  const app = await startApp({ variant, issuer: ISSUER, audience: AUDIENCE, jwksUri: jwks.url, algorithm: alg }, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  const micros = () => Number(process.hrtime.bigint() / 1000n);
  let window: [number, number] = [0, 0];
  let next = 0;
  const token = () => tokens[next++ % tokens.length]!;
  try {
    await runLoad({ url: app.url, path: '/hello', token, seconds: 2, connections: 16 });
    const start = micros();
    const load = await runLoad({ url: app.url, pid: app.pid, path: '/hello', token, seconds, connections: 16 });
    window = [start, micros()];
    console.log(
      `${variant}, ${alg}, ${tokenCount === 1 ? 'the same token' : `${tokenCount.toLocaleString('en-US')} distinct tokens`}: ${Math.round(load.requestsPerSecond)} req/s, ${Math.round(load.cpuUs)} µs of CPU per request ` +
        `(all the app's threads) under the profiler (${dir})\n`,
    );
  } finally {
    await app.stop();
    await jwks.stop();
  }
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no profile written in ${dir}`);
  console.log(summarizeProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile, window));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
