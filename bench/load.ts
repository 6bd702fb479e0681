import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';

export interface LoadFigures {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** CPU time of the app's process (all its threads: WebCrypto verifies on libuv's) per answered request, in µs. */
  readonly cpuUs: number;
  /** CPU time of the load generator (autocannon, in the benchmark's own process) per answered request, in µs. */
  readonly loadCpuUs: number;
  readonly failures: number;
}

export interface LoadPlan {
  readonly url: string;
  readonly path: string;
  /** One token for every request, or a new one per request. */
  readonly token: string | (() => string);
  /** Instead of `Authorization: Bearer`, the headers of each request (a DPoP token and a fresh proof). */
  readonly headers?: () => Record<string, string>;
  readonly seconds: number;
  readonly connections: number;
  /** The app's process, whose CPU time is read from /proc (Linux; NaN elsewhere). */
  readonly pid?: number;
}

/** User and system CPU time of a process so far, in µs (clock ticks of 10 ms, the kernel's USER_HZ). */
function cpuMicros(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return Number.NaN;
  }
}

function percentile(sorted: Float64Array, fraction: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

/**
 * Loads one route with autocannon. Latencies are taken from each response (autocannon's own
 * histogram rounds to whole milliseconds, too coarse on loopback).
 */
export async function runLoad(plan: LoadPlan): Promise<LoadFigures> {
  const { token, headers } = plan;
  const request = headers
    ? { method: 'GET', path: plan.path, setupRequest: (params: { headers?: Record<string, string> }) => ({ ...params, headers: { ...params.headers, ...headers() } }) }
    : typeof token === 'string'
      ? { method: 'GET', path: plan.path, headers: { authorization: `Bearer ${token}` } }
      : {
          method: 'GET',
          path: plan.path,
          setupRequest: (params: { headers?: Record<string, string> }) => ({ ...params, headers: { ...params.headers, authorization: `Bearer ${token()}` } }),
        };
  const latencies: number[] = [];
  const cpuBefore = cpuMicros(plan.pid);
  const loadCpuBefore = process.cpuUsage();
  const instance = autocannon({ url: plan.url, connections: plan.connections, duration: plan.seconds, requests: [request] });
  instance.on('response', (_client, status, _bytes, responseTimeMs) => {
    if (status >= 200 && status < 300) latencies.push(responseTimeMs);
  });
  const result = await instance;
  const cpuUs = (cpuMicros(plan.pid) - cpuBefore) / result['2xx'];
  const loadCpu = process.cpuUsage(loadCpuBefore);
  const loadCpuUs = (loadCpu.user + loadCpu.system) / result['2xx'];
  const sorted = Float64Array.from(latencies).sort();
  return {
    requestsPerSecond: result['2xx'] / result.duration,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    cpuUs,
    loadCpuUs,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}
