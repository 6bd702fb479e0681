import { formatReport, runFuzz, type FuzzReport } from './fuzz-run.js';
import { HostileRequests } from './hostile-requests.js';
import { Prng } from './prng.js';
import { startSampleTarget, type FuzzTarget } from './sample-target.js';

/** The short version of `npm run fuzz`: a few thousand generated and mutated tokens against the sample app. */
describe('fuzz (short run against the sample app)', () => {
  const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
  let target: FuzzTarget;
  let report: FuzzReport;

  beforeAll(async () => {
    target = await startSampleTarget();
    const requests = new HostileRequests(new Prng(seed), target.material);
    report = await runFuzz(target.url, () => requests.next(), 3000, 8);
    if (process.env.FUZZ_PRINT || report.hostileAccepted.count || report.serverErrors.count || report.transportErrors.count) {
      console.log([`fuzz seed ${seed} (replay: FUZZ_SEED=${seed})`, ...formatReport(report)].join('\n'));
    }
  }, 120_000);
  afterAll(() => target.close());

  it('accepts no hostile token', () => {
    expect(report.hostileAccepted.count).toBe(0);
  });

  it('answers every request, never with a 5xx', () => {
    expect(report.sent).toBe(3000);
    expect(report.transportErrors.count).toBe(0);
    expect(report.serverErrors.count).toBe(0);
  });

  it('accepts the unmodified controls where their grants allow, and never calls one invalid', () => {
    expect(report.controls.sent).toBeGreaterThan(0);
    expect(report.controls.accepted).toBeGreaterThan(0);
    expect([...report.controls.byStatus.keys()].every((status) => status === 200 || status === 403)).toBe(true);
  });

  it('answers only with statuses the contract knows', () => {
    for (const status of report.byStatus.keys()) expect([200, 401, 403, 431]).toContain(status);
  });
});
