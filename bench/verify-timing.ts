import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { SessionModule, SessionService, type SessionModuleOptions } from '../lib/index.js';
import { AUDIENCE, ISSUER, signingKey, signTokens } from './fixtures.js';

export interface VerifyFigures {
  readonly alg: string;
  readonly jwtVerify: number;
  readonly miss: number;
  readonly hit: number;
}

/** Tokens per algorithm; the miss run cycles them through a cache half their number. */
const POOL = 2_000;

/** One call; each operation walks its own token list in order, across rounds. */
type Operation = () => Promise<unknown>;

/**
 * Runs the operations in turn, a batch of each at a time, for `ms` milliseconds in all, and
 * gives each one's operations per second. Interleaving puts a neighbour's burst on a shared
 * machine on every operation alike, so their ratios hold even when the absolute figures move.
 */
async function interleaved(operations: ReadonlyArray<{ run: Operation; batch: number }>, ms: number): Promise<number[]> {
  const spent = operations.map(() => 0);
  const done = operations.map(() => 0);
  const end = performance.now() + ms;
  for (let turn = 0; performance.now() < end; turn++) {
    // Who goes first changes every turn: the garbage one leaves is not always collected in the same one's time.
    for (let step = 0; step < operations.length; step++) {
      const which = (turn + step) % operations.length;
      const { run, batch } = operations[which]!;
      const start = performance.now();
      for (let k = 0; k < batch; k++) await run();
      spent[which]! += performance.now() - start;
      done[which]! += batch;
    }
  }
  return done.map((count, which) => count / (spent[which]! / 1000));
}

async function sessionService(options: Omit<SessionModuleOptions, 'issuer'>): Promise<{ service: SessionService; close(): Promise<void> }> {
  const context = await NestFactory.createApplicationContext(
    SessionModule.forRoot({ issuer: ISSUER, audience: AUDIENCE, globalGuard: false, ...options }),
    { logger: false },
  );
  return { service: context.get(SessionService), close: () => context.close() };
}

/**
 * `SessionService.validateSession` against jose's own `jwtVerify` (with a JWKS key set, as jose
 * documents it), on the same tokens. A miss is a full verification followed by storing the
 * session in a full cache (so each store also evicts); a hit finds the token already verified.
 */
export async function timeVerification(alg: string, ms: number, rounds: number): Promise<VerifyFigures> {
  const key = await signingKey(alg);
  const tokens = await signTokens(key, POOL);
  const jwks = { keys: [key.publicJwk] };
  const keySet = createLocalJWKSet(jwks);
  const joseOptions = { issuer: ISSUER, audience: AUDIENCE, algorithms: [alg] };
  const missing = await sessionService({ jwks, sessionCache: { maxEntries: POOL / 2 } });
  const cached = await sessionService({ jwks });
  const hitTokens = tokens.slice(0, POOL / 2);
  for (const token of hitTokens) await cached.service.validateSession(token);

  const cycle = (list: readonly string[]) => {
    let next = 0;
    return () => list[next++ % list.length]!;
  };
  const [forJose, forMiss, forHit] = [cycle(tokens), cycle(tokens), cycle(hitTokens)];
  const operations = [
    { run: () => jwtVerify(forJose(), keySet, joseOptions), batch: 16 },
    // POOL tokens in order through a cache of POOL / 2: each one was pushed out before it comes back.
    { run: () => missing.service.validateSession(forMiss()), batch: 16 },
    { run: () => cached.service.validateSession(forHit()), batch: 2_000 },
  ];
  await interleaved(operations, Math.min(300, ms / 4));
  const best = { jwtVerify: 0, miss: 0, hit: 0 };
  // Best of several rounds: interference only ever slows an operation down.
  for (let round = 0; round < rounds; round++) {
    const [verified, missed, hit] = await interleaved(operations, ms);
    best.jwtVerify = Math.max(best.jwtVerify, verified!);
    best.miss = Math.max(best.miss, missed!);
    best.hit = Math.max(best.hit, hit!);
  }
  await missing.close();
  await cached.close();
  return { alg, ...best };
}
