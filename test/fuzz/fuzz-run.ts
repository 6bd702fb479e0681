import { Agent, request as httpRequest } from 'node:http';
import type { FuzzRequest } from './hostile-requests.js';

export interface FuzzReport {
  sent: number;
  /** Every status code the app answered, with its count. */
  byStatus: Map<number, number>;
  byKind: Map<string, number>;
  controls: { sent: number; accepted: number; byStatus: Map<number, number> };
  /** Non-control requests answered 2xx: must stay 0. */
  hostileAccepted: { count: number; samples: FuzzRequest[] };
  serverErrors: { count: number; samples: Array<{ request: FuzzRequest; status: number; body: string }> };
  /** Requests that got no HTTP answer at all (connection reset ...). */
  transportErrors: { count: number; samples: string[] };
  durationMs: number;
}

const SAMPLES = 5;

function increment<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/**
 * Sends `count` requests from `next()` to `baseUrl`, `concurrency` at a time, and counts the
 * answers. Nothing is asserted here: the caller decides what the counts must be.
 */
export async function runFuzz(
  baseUrl: string,
  next: () => FuzzRequest,
  count: number,
  concurrency: number,
  onProgress?: (sent: number) => void,
): Promise<FuzzReport> {
  const report: FuzzReport = {
    sent: 0,
    byStatus: new Map(),
    byKind: new Map(),
    controls: { sent: 0, accepted: 0, byStatus: new Map() },
    hostileAccepted: { count: 0, samples: [] },
    serverErrors: { count: 0, samples: [] },
    transportErrors: { count: 0, samples: [] },
    durationMs: 0,
  };
  const started = Date.now();
  let issued = 0;

  // node:http with keep-alive: several times faster than fetch here, so the app, not the client, is measured.
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(baseUrl);
  const send = (request: FuzzRequest) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const outgoing = httpRequest(
        { agent, host: target.hostname, port: target.port, method: request.method, path: request.path, headers: request.headers },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(request.body);
    });

  async function one(request: FuzzRequest): Promise<void> {
    let status: number;
    let body = '';
    try {
      ({ status, body } = await send(request));
    } catch (error) {
      report.transportErrors.count++;
      if (report.transportErrors.samples.length < SAMPLES) report.transportErrors.samples.push(`${request.kind}: ${String(error)}`);
      return;
    }
    increment(report.byStatus, status);
    const accepted = status >= 200 && status < 300;
    if (request.control) {
      report.controls.sent++;
      increment(report.controls.byStatus, status);
      if (accepted) report.controls.accepted++;
    } else if (accepted) {
      report.hostileAccepted.count++;
      if (report.hostileAccepted.samples.length < SAMPLES) report.hostileAccepted.samples.push(request);
    }
    if (status >= 500) {
      report.serverErrors.count++;
      if (report.serverErrors.samples.length < SAMPLES) report.serverErrors.samples.push({ request, status, body: body.slice(0, 300) });
    }
  }

  async function worker(): Promise<void> {
    while (issued < count) {
      issued++;
      const request = next();
      increment(report.byKind, request.kind);
      await one(request);
      report.sent++;
      if (onProgress && report.sent % 10_000 === 0) onProgress(report.sent);
    }
  }

  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    agent.destroy();
  }
  report.durationMs = Date.now() - started;
  return report;
}

/** The report as printed by `npm run fuzz` (and by the short run on failure). */
export function formatReport(report: FuzzReport): string[] {
  const statuses = [...report.byStatus.entries()].sort(([a], [b]) => a - b);
  const fiveHundreds = statuses.filter(([status]) => status >= 500).reduce((sum, [, n]) => sum + n, 0);
  const lines = [
    `requests sent: ${report.sent} in ${(report.durationMs / 1000).toFixed(1)} s (${Math.round(report.sent / (report.durationMs / 1000))} per second)`,
    `by kind: ${[...report.byKind.entries()].map(([kind, n]) => `${kind} ${n}`).join(', ')}`,
    ...statuses.map(([status, n]) => `status ${status}: ${n}`),
    `5xx: ${fiveHundreds}`,
    `accepted (2xx): ${report.hostileAccepted.count} hostile, ${report.controls.accepted} of ${report.controls.sent} unmodified controls`,
    `controls by status: ${[...report.controls.byStatus.entries()].sort(([a], [b]) => a - b).map(([status, n]) => `${status} ${n}`).join(', ')} (403: the route asks for grants or a tenant the token lacks)`,
    `no HTTP answer: ${report.transportErrors.count}`,
  ];
  for (const sample of report.hostileAccepted.samples) lines.push(`  WRONGLY ACCEPTED (${sample.kind}): ${sample.method} ${sample.path} ${JSON.stringify(sample.headers).slice(0, 400)}`);
  for (const sample of report.serverErrors.samples) lines.push(`  ${sample.status} (${sample.request.kind}): ${sample.request.method} ${sample.request.path} -> ${sample.body}`);
  for (const sample of report.transportErrors.samples) lines.push(`  no answer: ${sample}`);
  return lines;
}
