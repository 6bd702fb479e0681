import 'reflect-metadata';
import { createHash, randomUUID } from 'node:crypto';
import os from 'node:os';
import { calculateJwkThumbprint, decodeJwt, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { DpopProofCheck } from '../lib/dpop/dpop-proof-check.js';
import { readDpopOptions } from '../lib/dpop/dpop-options.js';
import { InMemoryReplayStore } from '../lib/replay/in-memory-replay.store.js';
import { AUDIENCE, ISSUER, JwksEndpoint, signingKey, signToken, type SigningKey } from './fixtures.js';
import { startApp, type RunningApp } from './app-process.js';
import { runLoad, type LoadFigures } from './load.js';
import { count, markdownTable, ms, ratio } from './report.js';

/**
 * What DPoP (RFC 9449) costs per request: the same app (`dpop: 'allowed'`) loaded with a Bearer
 * token and with a DPoP-bound token plus a fresh proof per request, in alternating rounds; and
 * the proof check alone, in process. Reports figures and ratios from this one run; asserts nothing.
 */
function setting(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}

const ROUNDS = setting('BENCH_ROUNDS', 6);
const SECONDS = setting('BENCH_SECONDS', 1);
const CONNECTIONS = 10;
/** Proofs signed before each DPoP round (each is used once); more than a round can send. */
const PROOFS_PER_ROUND = setting('BENCH_DPOP_PROOFS', 40_000);

interface ClientKey {
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
  readonly jkt: string;
}

async function clientKey(): Promise<ClientKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const publicJwk = await exportJWK(publicKey);
  return { privateKey, publicJwk, jkt: await calculateJwkThumbprint(publicJwk, 'sha256') };
}

/** The bench's session token, bound to the client's key (`cnf.jkt`). */
async function boundToken(key: SigningKey, client: ClientKey): Promise<string> {
  const claims = decodeJwt(await signToken(key, 1));
  return new SignJWT({ ...claims, cnf: { jkt: client.jkt } }).setProtectedHeader({ alg: key.alg, kid: key.publicJwk.kid!, typ: 'JWT' }).sign(key.privateKey);
}

function proof(client: ClientKey, htu: string, token: string): Promise<string> {
  const ath = createHash('sha256').update(token).digest('base64url');
  return new SignJWT({ htm: 'GET', htu, jti: randomUUID(), iat: Math.floor(Date.now() / 1000), ath })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: client.publicJwk })
    .sign(client.privateKey);
}

async function proofs(client: ClientKey, htu: string, token: string, n: number): Promise<string[]> {
  const made: string[] = [];
  for (let start = 0; start < n; start += 1000) made.push(...(await Promise.all(Array.from({ length: Math.min(1000, n - start) }, () => proof(client, htu, token)))));
  return made;
}

async function expectStatus(url: string, headers: Record<string, string>, expected: number): Promise<void> {
  const response = await fetch(url, { headers });
  await response.arrayBuffer();
  if (response.status !== expected) throw new Error(`GET ${url} answered ${response.status}, expected ${expected}`);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The proof check alone (signature, claims, thumbprint, jti claim in memory), in process. */
async function timeProofCheck(client: ClientKey, token: string, n: number): Promise<number> {
  const htu = 'https://api.example.test/hello';
  const check = new DpopProofCheck(readDpopOptions({ dpop: 'allowed' }), 5, new InMemoryReplayStore(), false);
  const made = await proofs(client, htu, token, n);
  const request = (dpop: string) => ({ method: 'GET', url: { scheme: 'https', host: 'api.example.test', path: '/hello' }, header: (name: string) => (name === 'dpop' ? dpop : undefined), token });
  const started = process.hrtime.bigint();
  for (let i = 0; i < made.length; i += 8) await Promise.all(made.slice(i, i + 8).map((p) => check.check(request(p))));
  return Number(process.hrtime.bigint() - started) / 1e3 / n;
}

async function main(): Promise<void> {
  const load = os.loadavg().map((n) => n.toFixed(2)).join(' ');
  console.log(`DPoP cost per request: ${os.availableParallelism()} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}; load average at start ${load}\n`);
  const key = await signingKey('ES256');
  const client = await clientKey();
  const bearer = await signToken(key, 0);
  const bound = await boundToken(key, client);
  const jwks = await new JwksEndpoint([key.publicJwk]).start();
  let app: RunningApp | undefined;
  try {
    app = await startApp({ variant: 'session-guard', issuer: ISSUER, audience: AUDIENCE, jwksUri: jwks.url, dpop: 'allowed' });
    const htu = `${app.url}/hello`;
    // A benchmark of checks that let everything through would be worthless.
    const once = await proof(client, htu, bound);
    await expectStatus(htu, { authorization: `Bearer ${bearer}` }, 200);
    await expectStatus(htu, { authorization: `DPoP ${bound}`, dpop: once }, 200);
    await expectStatus(htu, { authorization: `DPoP ${bound}`, dpop: once }, 401);
    await expectStatus(htu, { authorization: `Bearer ${bound}` }, 401);

    const bearerRounds: LoadFigures[] = [];
    const dpopRounds: LoadFigures[] = [];
    for (let round = 0; round <= ROUNDS; round++) {
      const pool = await proofs(client, htu, bound, PROOFS_PER_ROUND);
      let next = 0;
      const dpop = await runLoad({ url: app.url, path: '/hello', token: bound, headers: () => ({ authorization: `DPoP ${bound}`, dpop: pool[next++ % pool.length]! }), seconds: SECONDS, connections: CONNECTIONS });
      const plain = await runLoad({ url: app.url, path: '/hello', token: bearer, seconds: SECONDS, connections: CONNECTIONS });
      if (next > pool.length) throw new Error(`a round sent ${next} DPoP requests: raise BENCH_DPOP_PROOFS above it`);
      // Round 0 warms both paths up.
      if (round === 0) continue;
      bearerRounds.push(plain);
      dpopRounds.push(dpop);
    }
    const figure = (rounds: readonly LoadFigures[], pick: (f: LoadFigures) => number) => median(rounds.map(pick));
    const rows = [
      ['Bearer (unbound token)', bearerRounds],
      ['DPoP (bound token, fresh proof)', dpopRounds],
    ] as const;
    console.log(`HTTP on loopback, Express, ES256 token and ES256 proofs, autocannon with ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s (medians):\n`);
    console.log(
      markdownTable(
        ['request', 'req/s', 'p50 ms', 'p99 ms', 'failures'],
        rows.map(([name, rounds]) => [name, count(figure(rounds, (f) => f.requestsPerSecond)), ms(figure(rounds, (f) => f.p50Ms)), ms(figure(rounds, (f) => f.p99Ms)), String(rounds.reduce((n, f) => n + f.failures, 0))]),
      ),
    );
    const paired = (pick: (f: LoadFigures) => number) => median(dpopRounds.map((f, i) => pick(f) / pick(bearerRounds[i]!)));
    console.log(`\nDPoP vs Bearer (median of per-round ratios): throughput ${ratio(paired((f) => f.requestsPerSecond))}, p50 latency ${ratio(paired((f) => f.p50Ms))}`);
    const micros = await timeProofCheck(client, bound, 20_000);
    console.log(`DpopProofCheck.check alone, in process, 8 in flight: ${micros.toFixed(1)} µs per proof (${count(1e6 / micros)} proofs/s)`);
  } finally {
    app?.stop();
    await jwks.stop();
  }
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
