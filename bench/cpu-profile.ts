import { markdownTable } from './report.js';

/** The parts of a V8 `.cpuprofile` (as `node --cpu-prof` writes it) that the summary reads. */
export interface CpuProfile {
  /** Microseconds of the system's monotonic clock (as `process.hrtime` reads it, in ns). */
  readonly startTime: number;
  readonly nodes: ReadonlyArray<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Where a frame's code comes from, for the totals. */
function area(functionName: string, url: string): string {
  if (!url) return functionName === '(garbage collector)' ? 'garbage collection' : functionName === '(idle)' ? 'idle' : 'native (program)';
  if (url.includes('/node_modules/jose/')) return 'jose';
  if (url.includes('/build/lib/')) return 'nestjs-jwt-session';
  if (url.includes('/node_modules/fast-jwt/')) return 'fast-jwt';
  if (url.includes('internal/crypto') || url.includes('internal/webidl')) return "Node's WebCrypto (JS side)";
  if (url.includes('/@nestjs/')) return 'Nest';
  if (/\/node_modules\/(express|router|body-parser|finalhandler|send|on-finished|path-to-regexp)/.test(url)) return 'Express';
  if (url.startsWith('node:')) return 'Node core (http, net, streams, timers)';
  return 'other';
}

function where(url: string, line: number): string {
  const short = url.replace(/^file:\/\/.*\/node_modules\//, '').replace(/^file:\/\/.*\/build\//, '');
  return `${short}:${line + 1}`;
}

/** Self time per frame and per area within `window` (monotonic µs: the load, not the start-up), top `limit` frames. */
export function summarizeProfile(profile: CpuProfile, window: readonly [number, number], limit = 25): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const frames = new Map<string, { name: string; at: string; area: string; us: number }>();
  const areas = new Map<string, number>();
  let total = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, index) => {
    const frame = byId.get(id)!;
    const us = profile.timeDeltas[index] ?? 0;
    at += us;
    if (at < window[0] || at > window[1]) return;
    const key = `${frame.functionName}@${frame.url}:${frame.lineNumber}`;
    const entry = frames.get(key) ?? { name: frame.functionName || '(anonymous)', at: where(frame.url, frame.lineNumber), area: area(frame.functionName, frame.url), us: 0 };
    entry.us += us;
    frames.set(key, entry);
    areas.set(entry.area, (areas.get(entry.area) ?? 0) + us);
    total += us;
  });
  const busy = total - (areas.get('idle') ?? 0);
  const share = (us: number) => `${((100 * us) / busy).toFixed(1)} %`;
  const areaRows = [...areas].filter(([name]) => name !== 'idle').sort((a, b) => b[1] - a[1]).map(([name, us]) => [name, share(us)]);
  const frameRows = [...frames.values()]
    .filter((frame) => frame.area !== 'idle')
    .sort((a, b) => b.us - a.us)
    .slice(0, limit)
    .map((frame) => [share(frame.us), frame.name, frame.area, frame.at]);
  return [
    `Main thread busy ${(busy / 1e6).toFixed(1)} s of ${(total / 1e6).toFixed(1)} s sampled; shares are of the busy time.`,
    '',
    markdownTable(['area', 'self time'], areaRows),
    '',
    markdownTable(['self time', 'function', 'area', 'where'], frameRows),
  ].join('\n');
}
