import type { AlgorithmRun, HttpResults, ScenarioName } from './http-bench.js';
import { VARIANTS } from './http-bench.js';
import type { LoadFigures } from './load.js';
import { count, markdownTable, median, ms, ratio } from './report.js';
import { APP_LABELS, type AppVariant } from './server/app-config.js';


type Figure = keyof Omit<LoadFigures, 'failures'>;

/** The median over rounds of one figure of an app. */
export function medianOf(run: AlgorithmRun, scenario: ScenarioName, variant: AppVariant, figure: Figure): number {
  const rounds = run.rounds.get(scenario)?.get(variant);
  return rounds?.length ? median(rounds.map((round) => round[figure])) : Number.NaN;
}

/**
 * The median over rounds of `variant`'s figure divided by `base`'s in the same round: the two
 * ran a second apart, so a burst of load from elsewhere weighs on both or on one round only.
 */
export function pairedRatio(run: AlgorithmRun, scenario: ScenarioName, variant: AppVariant, base: AppVariant, figure: Figure = 'requestsPerSecond'): number {
  const mine = run.rounds.get(scenario)?.get(variant);
  const theirs = run.rounds.get(scenario)?.get(base);
  if (!mine?.length || !theirs?.length) return Number.NaN;
  return median(mine.map((round, index) => round[figure] / theirs[index]![figure]));
}

function scenarioLabel(scenario: ScenarioName, tokenCount: number): string {
  return scenario === 'distinct tokens' ? `${count(tokenCount)} distinct tokens` : scenario;
}

/** The variants shown for a run: those that ran, and those skipped for a stated reason. */
function shown(run: AlgorithmRun, scenario: ScenarioName): AppVariant[] {
  return VARIANTS.filter((variant) => run.rounds.get(scenario)?.has(variant) || (run.skipped.has(variant) && scenario !== 'tenant role check'));
}

/** The table: req/s of each app as a ratio to the app without a guard, per algorithm and scenario. */
export function sideBySideTable(results: HttpResults, tokenCount: number): string {
  const columns = VARIANTS.filter((variant) => [...results.byAlgorithm.values()].some((run) => run.rounds.get('same token')?.has(variant) || run.skipped.has(variant)));
  const rows: string[][] = [];
  for (const [alg, run] of results.byAlgorithm) {
    for (const scenario of run.rounds.keys()) {
      rows.push([
        `${alg}, ${scenarioLabel(scenario, tokenCount)}`,
        count(medianOf(run, scenario, 'no-guard', 'requestsPerSecond')),
        ...columns.map((variant) => (run.rounds.get(scenario)?.has(variant) ? ratio(pairedRatio(run, scenario, variant, 'no-guard')) : variant === 'session-guard-redis' ? '' : (run.skipped.get(variant) ?? ''))),
      ]);
    }
  }
  return markdownTable(['scenario', 'no guard req/s', ...columns.map((variant) => APP_LABELS[variant])], rows);
}

/** Every app's req/s, p50 and p99, with the ratios to the app without a guard. */
export function detailTable(results: HttpResults, tokenCount: number): string {
  const rows: string[][] = [];
  for (const [alg, run] of results.byAlgorithm) {
    for (const scenario of run.rounds.keys()) {
      for (const variant of shown(run, scenario)) {
        const name = `${alg}, ${scenarioLabel(scenario, tokenCount)}`;
        if (!run.rounds.get(scenario)?.has(variant)) {
          rows.push([name, APP_LABELS[variant], run.skipped.get(variant) ?? 'skipped', '', '', '', '', '', '']);
          continue;
        }
        const figure = (which: Figure) => medianOf(run, scenario, variant, which);
        rows.push([
          name,
          APP_LABELS[variant],
          count(figure('requestsPerSecond')),
          ratio(pairedRatio(run, scenario, variant, 'no-guard')),
          ms(figure('p50Ms')),
          ms(figure('p99Ms')),
          ratio(pairedRatio(run, scenario, variant, 'no-guard', 'p99Ms')),
          count(figure('cpuUs')),
          count(figure('loadCpuUs')),
        ]);
      }
    }
  }
  return markdownTable(['scenario', 'app', 'req/s', 'vs no guard', 'p50 ms', 'p99 ms', 'p99 vs no guard', 'app CPU µs/request', 'load CPU µs/request'], rows);
}
