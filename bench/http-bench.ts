import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { AUDIENCE, ISSUER, JwksEndpoint, signingKey, signToken, signTokens } from './fixtures.js';
import { runLoad, type LoadFigures } from './load.js';
import { redisPlan, startRedis } from './redis.js';
import { count, markdownTable, ms, ratio } from './report.js';
import { APP_LABELS, type AppConfig, type AppMessage, type AppVariant } from './server/app-config.js';

export interface HttpSettings {
  readonly rounds: number;
  readonly seconds: number;
  readonly warmUpSeconds: number;
  readonly connections: number;
  readonly tokenCount: number;
}

export const VARIANTS: readonly AppVariant[] = ['no-guard', 'session-guard', 'session-guard-redis', 'passport-jwt'];

export type ScenarioName = 'same token' | 'different tokens' | 'tenant role check';

interface Scenario {
  readonly name: ScenarioName;
  readonly path: string;
  /** The token of every request, or for each app a source of a new token per request. */
  readonly token: string | (() => () => string);
}

/**
 * Each app walks all the tokens in order, on its own: with 20,000 tokens and a cache of 10,000,
 * every token has been pushed out before the app sees it again, so every request is a miss.
 */
function tokenCycle(tokens: readonly string[]): () => () => string {
  return () => {
    let next = 0;
    return () => tokens[next++ % tokens.length]!;
  };
}

export interface HttpResults {
  /** Every round, by scenario, then variant; a variant that did not run is absent. */
  readonly rounds: ReadonlyMap<ScenarioName, ReadonlyMap<AppVariant, readonly LoadFigures[]>>;
  /** Why a variant did not run. */
  readonly skipped: ReadonlyMap<AppVariant, string>;
  readonly jwksRequestsDuringLoads: number;
}

export interface RunningApp {
  readonly variant: AppVariant;
  readonly url: string;
  stop(): void;
}

/** Starts one variant in its own process, so that the load generator never shares its event loop. */
export function startApp(config: AppConfig): Promise<RunningApp> {
  const child = fork(fileURLToPath(new URL('./server/main.js', import.meta.url)), [], {
    env: { ...process.env, BENCH_APP: JSON.stringify(config) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (child.kill(), reject(new Error(`${config.variant} did not start within 30 s`))), 30_000);
    child.once('message', (message: AppMessage) => {
      clearTimeout(timer);
      if ('error' in message) return reject(new Error(message.error));
      resolve({ variant: config.variant, url: `http://127.0.0.1:${message.port}`, stop: () => void child.kill() });
    });
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`${config.variant} exited with ${code}`))));
  });
}

async function status(url: string, token?: string): Promise<number> {
  const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  await response.arrayBuffer();
  return response.status;
}

/** A benchmark of a guard that lets everything through would be worthless: each app is checked first. */
async function checkApp(app: RunningApp, token: string, withoutTenantRole: string): Promise<void> {
  const guarded = app.variant !== 'no-guard';
  const expectations: Array<[string, string | undefined, number]> = [
    ['/hello', token, 200],
    ['/tenants/T1/report', token, 200],
    ['/hello', undefined, guarded ? 401 : 200],
    ['/hello', `${token.slice(0, -4)}AAAA`, guarded ? 401 : 200],
    ['/tenants/T1/report', withoutTenantRole, guarded ? 403 : 200],
  ];
  for (const [path, bearer, expected] of expectations) {
    const got = await status(`${app.url}${path}`, bearer);
    if (got !== expected) throw new Error(`${APP_LABELS[app.variant]}: GET ${path} answered ${got}, expected ${expected}`);
  }
}

/** The same app four ways, loaded with autocannon in three scenarios. */
export async function runHttpBench(settings: HttpSettings): Promise<HttpResults> {
  const key = await signingKey('ES256');
  const tokens = await signTokens(key, settings.tokenCount);
  const withoutTenantRole = await signToken(key, settings.tokenCount, ['viewer']);
  const jwks = await new JwksEndpoint([key.publicJwk]).start();
  const redis = redisPlan();
  const redisServer = redis.ready ? await startRedis() : undefined;
  const skipped = new Map<AppVariant, string>();
  const apps: RunningApp[] = [];
  try {
    for (const variant of VARIANTS) {
      if (variant === 'session-guard-redis' && !redis.ready) {
        skipped.set(variant, redis.skipped);
        continue;
      }
      try {
        apps.push(await startApp({ variant, issuer: ISSUER, audience: AUDIENCE, jwksUri: jwks.url, ...(redisServer && { redisUrl: redisServer.url }) }));
      } catch (error) {
        if (variant !== 'session-guard-redis') throw error;
        skipped.set(variant, `skipped: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    for (const app of apps) await checkApp(app, tokens[0]!, withoutTenantRole);

    const scenarios: Scenario[] = [
      { name: 'same token', path: '/hello', token: tokens[0]! },
      { name: 'different tokens', path: '/hello', token: tokenCycle(tokens) },
      { name: 'tenant role check', path: '/tenants/T1/report', token: tokens[0]! },
    ];
    const jwksBefore = jwks.requests;
    const rounds = new Map<ScenarioName, Map<AppVariant, LoadFigures[]>>();
    for (const scenario of scenarios) {
      const byVariant = new Map<AppVariant, LoadFigures[]>(apps.map((app) => [app.variant, []]));
      rounds.set(scenario.name, byVariant);
      const tokenOf = new Map(apps.map((app) => [app.variant, typeof scenario.token === 'string' ? scenario.token : scenario.token()]));
      const plan = (app: RunningApp) => ({ url: app.url, path: scenario.path, token: tokenOf.get(app.variant)!, connections: settings.connections });
      for (const app of apps) await runLoad({ ...plan(app), seconds: settings.warmUpSeconds });
      for (let round = 0; round < settings.rounds; round++) {
        // Alternating order: a neighbour's burst on a shared machine does not always land on the same app.
        for (const app of round % 2 ? [...apps].reverse() : apps) {
          const result = await runLoad({ ...plan(app), seconds: settings.seconds });
          if (result.failures) throw new Error(`${APP_LABELS[app.variant]}, ${scenario.name}: ${result.failures} requests failed`);
          byVariant.get(app.variant)!.push(result);
          process.stderr.write(process.env.BENCH_VERBOSE ? `${scenario.name} / ${app.variant}: ${Math.round(result.requestsPerSecond)} req/s\n` : '.');
        }
      }
    }
    process.stderr.write('\n');
    return { rounds, skipped, jwksRequestsDuringLoads: jwks.requests - jwksBefore };
  } finally {
    for (const app of apps) app.stop();
    redisServer?.stop();
    await jwks.stop();
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return sorted.length % 2 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

type Figure = keyof Omit<LoadFigures, 'failures'>;

/** The median over rounds of one figure of an app. */
export function medianOf(results: HttpResults, scenario: ScenarioName, variant: AppVariant, figure: Figure): number {
  const rounds = results.rounds.get(scenario)?.get(variant);
  return rounds?.length ? median(rounds.map((round) => round[figure])) : Number.NaN;
}

/**
 * The median over rounds of `variant`'s figure divided by `base`'s in the same round: the two
 * ran a second apart, so a burst of load from elsewhere weighs on both or on one round only.
 */
export function pairedRatio(results: HttpResults, scenario: ScenarioName, variant: AppVariant, base: AppVariant, figure: Figure): number {
  const mine = results.rounds.get(scenario)?.get(variant);
  const theirs = results.rounds.get(scenario)?.get(base);
  if (!mine?.length || !theirs?.length) return Number.NaN;
  return median(mine.map((round, index) => round[figure] / theirs[index]![figure]));
}

export function httpTable(results: HttpResults, tokenCount: number): string {
  const rows: string[][] = [];
  for (const scenario of results.rounds.keys()) {
    const name = scenario === 'different tokens' ? `different tokens (${count(tokenCount)})` : scenario;
    for (const variant of VARIANTS) {
      if (!results.rounds.get(scenario)?.has(variant)) {
        rows.push([name, APP_LABELS[variant], results.skipped.get(variant) ?? 'skipped', '', '', '', '', '']);
        continue;
      }
      const figure = (which: Figure) => medianOf(results, scenario, variant, which);
      const versusBare = (which: Figure) => ratio(pairedRatio(results, scenario, variant, 'no-guard', which));
      rows.push([
        name,
        APP_LABELS[variant],
        count(figure('requestsPerSecond')),
        versusBare('requestsPerSecond'),
        ms(figure('p50Ms')),
        versusBare('p50Ms'),
        ms(figure('p99Ms')),
        versusBare('p99Ms'),
      ]);
    }
  }
  return markdownTable(['scenario', 'app', 'req/s', 'vs no guard', 'p50 ms', 'vs no guard', 'p99 ms', 'vs no guard'], rows);
}
