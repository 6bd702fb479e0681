import { compactVerify, importJWK, type CryptoKey } from 'jose';
import { signingKey, signTokens } from './fixtures.js';
import { median } from './report.js';

/** The cost of the signature check alone, per algorithm: the floor under any guard's miss path. */
export interface CryptoFigures {
  readonly alg: string;
  /** One call at a time: the latency of one verification, in microseconds. */
  readonly serialUs: number;
  /** 8 calls in flight (WebCrypto verifies on libuv's threads): microseconds of wall time per verification. */
  readonly concurrentUs: number;
  /** CPU time of the process (all its threads) per verification, 8 in flight: what a loaded machine pays. */
  readonly cpuUs: number;
}

const POOL = 500;
const IN_FLIGHT = 8;
const BATCH = 64;


/**
 * jose's `compactVerify` with the key already resolved to a `CryptoKey` (no key set, no claims):
 * signature check, header parse and base64url decoding, nothing else. Batches of serial and
 * concurrent calls take turns for `ms` milliseconds; the median batch gives each figure.
 */
export async function timeRawVerify(alg: string, ms: number): Promise<CryptoFigures> {
  const key = await signingKey(alg);
  const tokens = await signTokens(key, POOL);
  const publicKey = (await importJWK(key.publicJwk, alg)) as CryptoKey;
  const options = { algorithms: [alg] };
  let next = 0;
  const verifyOne = () => compactVerify(tokens[next++ % POOL]!, publicKey, options);
  const serial = async () => {
    const start = performance.now();
    for (let i = 0; i < BATCH; i++) await verifyOne();
    return ((performance.now() - start) * 1000) / BATCH;
  };
  const cpuTimes: number[] = [];
  const concurrent = async () => {
    const start = performance.now();
    const cpu = process.cpuUsage();
    for (let done = 0; done < BATCH; done += IN_FLIGHT) await Promise.all(Array.from({ length: IN_FLIGHT }, verifyOne));
    const used = process.cpuUsage(cpu);
    cpuTimes.push((used.user + used.system) / BATCH);
    return ((performance.now() - start) * 1000) / BATCH;
  };
  for (let i = 0; i < 10; i++) await Promise.all([serial(), concurrent()]);
  const serialTimes: number[] = [];
  const concurrentTimes: number[] = [];
  const end = performance.now() + ms;
  cpuTimes.length = 0;
  while (performance.now() < end) {
    serialTimes.push(await serial());
    concurrentTimes.push(await concurrent());
  }
  return { alg, serialUs: median(serialTimes), concurrentUs: median(concurrentTimes), cpuUs: median(cpuTimes) };
}
