import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { SessionModule, SessionService, type SessionModuleOptions } from '../lib/index.js';
import { AUDIENCE, ISSUER, signingKey, signTokens } from './fixtures.js';
import { median } from './report.js';

export interface VerifyFigures {
  readonly alg: string;
  readonly jwtVerify: number;
  readonly miss: number;
  readonly hit: number;
  /** CPU time of the process (all its threads) per call, in µs, from the median batch of each. */
  readonly jwtVerifyCpuUs: number;
  readonly missCpuUs: number;
}

/** Tokens per algorithm; the miss run cycles them through a cache half their number. */
const POOL = 2_000;
/** Calls in flight, as on a server with concurrent requests (WebCrypto verifies on libuv's threads). */
const IN_FLIGHT = 8;

interface Operation {
  /** One call; each operation walks its own token list in order, across batches. */
  readonly run: () => Promise<unknown>;
  /** Calls per timed batch: enough for a batch to last a few milliseconds. */
  readonly batch: number;
}


async function timeBatch({ run, batch }: Operation, cpuPerCall: number[]): Promise<number> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  for (let done = 0; done < batch; done += IN_FLIGHT) {
    await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, batch - done) }, run));
  }
  const used = process.cpuUsage(cpu);
  cpuPerCall.push((used.user + used.system) / batch);
  return (performance.now() - start) / batch;
}

/**
 * Runs the operations in turn, a batch of each at a time, for `ms` milliseconds, and gives each
 * one's operations per second from its median batch. Adjacent batches share the machine's state
 * and the median drops the batches a neighbour's burst landed on: on a shared machine the ratios
 * hold even when the absolute figures move.
 */
async function interleaved(operations: readonly Operation[], ms: number): Promise<{ opsPerSecond: number[]; cpuUs: number[] }> {
  const perCall: number[][] = operations.map(() => []);
  const cpu: number[][] = operations.map(() => []);
  const end = performance.now() + ms;
  for (let turn = 0; performance.now() < end; turn++) {
    // Who goes first changes every turn: the garbage one leaves is not always collected in the same one's time.
    for (let step = 0; step < operations.length; step++) {
      const which = (turn + step) % operations.length;
      perCall[which]!.push(await timeBatch(operations[which]!, cpu[which]!));
    }
  }
  return { opsPerSecond: perCall.map((times) => 1000 / median(times)), cpuUs: cpu.map(median) };
}

async function sessionService(options: Omit<SessionModuleOptions, 'issuer'>): Promise<{ service: SessionService; close(): Promise<void> }> {
  const context = await NestFactory.createApplicationContext(
    SessionModule.forRoot({ issuer: ISSUER, audience: AUDIENCE, globalGuard: false, ...options }),
    { logger: false },
  );
  return { service: context.get(SessionService), close: () => context.close() };
}

function cycle(list: readonly string[]): () => string {
  let next = 0;
  return () => list[next++ % list.length]!;
}

/**
 * `SessionService.validateSession` against jose's own `jwtVerify` (with a JWKS key set, as jose
 * documents it), on the same tokens. A miss is a full verification followed by storing the
 * session in a full cache (so each store also evicts); a hit finds the token already verified.
 */
export async function timeVerification(alg: string, ms: number): Promise<VerifyFigures> {
  const key = await signingKey(alg);
  const tokens = await signTokens(key, POOL);
  const jwks = { keys: [key.publicJwk] };
  const keySet = createLocalJWKSet(jwks);
  const joseOptions = { issuer: ISSUER, audience: AUDIENCE, algorithms: [alg] };
  const missing = await sessionService({ jwks, sessionCache: { maxEntries: POOL / 2 } });
  const cached = await sessionService({ jwks });
  const hitTokens = tokens.slice(0, POOL / 2);
  for (const token of hitTokens) await cached.service.validateSession(token);

  const [forJose, forMiss, forHit] = [cycle(tokens), cycle(tokens), cycle(hitTokens)];
  const operations: Operation[] = [
    { run: () => jwtVerify(forJose(), keySet, joseOptions), batch: 32 },
    // POOL tokens in order through a cache of POOL / 2: each one was pushed out before it comes back.
    { run: () => missing.service.validateSession(forMiss()), batch: 32 },
    { run: () => cached.service.validateSession(forHit()), batch: 4_000 },
  ];
  await interleaved(operations, Math.min(500, ms / 4));
  const { opsPerSecond, cpuUs } = await interleaved(operations, ms);
  const [verified, missed, hit] = opsPerSecond;
  await missing.close();
  await cached.close();
  return { alg, jwtVerify: verified!, miss: missed!, hit: hit!, jwtVerifyCpuUs: cpuUs[0]!, missCpuUs: cpuUs[1]! };
}
