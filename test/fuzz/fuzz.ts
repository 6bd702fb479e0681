import { formatReport, runFuzz } from './fuzz-run.js';
import { HostileRequests } from './hostile-requests.js';
import { Prng } from './prng.js';
import { startSampleTarget } from './sample-target.js';

/**
 * `npm run fuzz [-- --count 100000 --seed 1234 --concurrency 16]`: boots the sample app, sends
 * generated and mutated tokens over HTTP and prints the counts. Exits 1 if any hostile token was
 * accepted, any answer was a 5xx, or any request got no answer.
 */
function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index === -1 ? undefined : Number(process.argv[index + 1]);
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`--${name} needs a non-negative integer`);
  return value;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Memory after a full collection when `--expose-gc` is on (the npm script sets it). */
function memory(): NodeJS.MemoryUsage {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage();
}

async function main(): Promise<number> {
  const count = argument('count', 100_000);
  const seed = argument('seed', Date.now() % 2 ** 31);
  const concurrency = argument('concurrency', 16);
  const target = await startSampleTarget();
  try {
    console.log(`nestjs-jwt-session fuzz: ${count} requests to the sample app (AppModule, dev-issuer mode) at ${target.url}`);
    console.log(`seed ${seed} (replay: npm run fuzz -- --seed ${seed} --count ${count}), concurrency ${concurrency}, node ${process.version}`);
    const requests = new HostileRequests(new Prng(seed), target.material);
    const before = memory();
    const heapAt: string[] = [];
    const report = await runFuzz(target.url, () => requests.next(), count, concurrency, (sent) => {
      heapAt.push(`${sent / 1000}k ${megabytes(memory().heapUsed)}`);
      process.stdout.write(`  ${sent} sent\n`);
    });
    const after = memory();
    for (const line of formatReport(report)) console.log(line);
    const gc = typeof (globalThis as { gc?: unknown }).gc === 'function' ? 'after a full GC' : 'no --expose-gc: without a forced GC';
    console.log(`memory (${gc}): heap used ${megabytes(before.heapUsed)} -> ${megabytes(after.heapUsed)}, rss ${megabytes(before.rss)} -> ${megabytes(after.rss)}`);
    console.log(`heap used along the run: ${heapAt.join(', ')}`);
    const failed = report.hostileAccepted.count > 0 || report.serverErrors.count > 0 || report.transportErrors.count > 0;
    console.log(failed ? 'FAILED: see the samples above' : 'OK: 0 hostile tokens accepted, 0 5xx');
    return failed ? 1 : 0;
  } finally {
    await target.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
