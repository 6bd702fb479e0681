import { startApp, type RunningApp } from './app-process.js';
import { AUDIENCE, ISSUER, JwksEndpoint, signingKey, signToken, signTokens } from './fixtures.js';
import { runLoad, type LoadFigures } from './load.js';
import { redisPlan, startRedis } from './redis.js';
import { APP_LABELS, type AppVariant } from './server/app-config.js';

export interface HttpSettings {
  readonly rounds: number;
  readonly seconds: number;
  readonly warmUpSeconds: number;
  readonly connections: number;
  readonly tokenCount: number;
  readonly algorithms: readonly string[];
}

/**
 * The apps, in the order of the tables; the Redis store and the tenant route run with the first algorithm only.
 * `SessionGuard, sessionCache: false` shows what keeping verified sessions costs when none is seen again.
 */
export const VARIANTS: readonly AppVariant[] = ['no-guard', 'session-guard', 'session-guard-no-cache', 'session-guard-redis', 'jose-guard', 'fast-jwt', 'passport-jwt'];

export type ScenarioName = 'same token' | 'distinct tokens' | 'tenant role check';

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

/** Every round of one algorithm, by scenario, then variant; a variant that did not run is absent. */
export interface AlgorithmRun {
  readonly rounds: ReadonlyMap<ScenarioName, ReadonlyMap<AppVariant, readonly LoadFigures[]>>;
  /** Why a variant did not run. */
  readonly skipped: ReadonlyMap<AppVariant, string>;
}

export interface HttpResults {
  readonly byAlgorithm: ReadonlyMap<string, AlgorithmRun>;
  readonly jwksRequestsDuringLoads: number;
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

/** Why a peer cannot take part with this algorithm, if it cannot. */
function unsupported(variant: AppVariant, alg: string): string | undefined {
  // jsonwebtoken, under passport-jwt, knows HS*, RS*, PS* and ES* only.
  if (variant === 'passport-jwt' && alg === 'EdDSA') return 'n/a: jsonwebtoken has no EdDSA';
  return undefined;
}

/** Starts the apps of one algorithm, each checked to refuse what it must. */
async function startApps(alg: string, jwksUri: string, withExtras: boolean, redisUrl: string | undefined, skipped: Map<AppVariant, string>): Promise<RunningApp[]> {
  const apps: RunningApp[] = [];
  for (const variant of VARIANTS) {
    const reason = unsupported(variant, alg);
    if (reason) skipped.set(variant, reason);
    if (reason || (variant === 'session-guard-redis' && !withExtras)) continue;
    if (variant === 'session-guard-redis' && redisUrl === undefined) {
      skipped.set(variant, redisPlan().ready ? 'skipped: redis-server did not start' : 'skipped: redis-server not found');
      continue;
    }
    try {
      apps.push(await startApp({ variant, issuer: ISSUER, audience: AUDIENCE, jwksUri, algorithm: alg, ...(redisUrl && { redisUrl }) }));
    } catch (error) {
      if (variant !== 'session-guard-redis') throw error;
      skipped.set(variant, `skipped: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return apps;
}

async function measure(apps: readonly RunningApp[], scenario: Scenario, settings: HttpSettings): Promise<Map<AppVariant, LoadFigures[]>> {
  const byVariant = new Map<AppVariant, LoadFigures[]>(apps.map((app) => [app.variant, []]));
  const tokenOf = new Map(apps.map((app) => [app.variant, typeof scenario.token === 'string' ? scenario.token : scenario.token()]));
  const plan = (app: RunningApp) => ({ url: app.url, pid: app.pid, path: scenario.path, token: tokenOf.get(app.variant)!, connections: settings.connections });
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
  return byVariant;
}

/** The same app up to six ways, per algorithm, loaded with autocannon: same token, distinct tokens (and a tenant route). */
export async function runHttpBench(settings: HttpSettings): Promise<HttpResults> {
  const redisServer = redisPlan().ready ? await startRedis().catch(() => undefined) : undefined;
  const byAlgorithm = new Map<string, AlgorithmRun>();
  let jwksRequestsDuringLoads = 0;
  try {
    for (const [index, alg] of settings.algorithms.entries()) {
      const first = index === 0;
      const key = await signingKey(alg);
      const tokens = await signTokens(key, settings.tokenCount);
      const withoutTenantRole = await signToken(key, settings.tokenCount, ['viewer']);
      const jwks = await new JwksEndpoint([key.publicJwk]).start();
      const skipped = new Map<AppVariant, string>();
      const apps = await startApps(alg, jwks.url, first, redisServer?.url, skipped);
      try {
        for (const app of apps) await checkApp(app, tokens[0]!, withoutTenantRole);
        const scenarios: Scenario[] = [
          { name: 'same token', path: '/hello', token: tokens[0]! },
          { name: 'distinct tokens', path: '/hello', token: tokenCycle(tokens) },
          ...(first ? [{ name: 'tenant role check' as const, path: '/tenants/T1/report', token: tokens[0]! }] : []),
        ];
        const jwksBefore = jwks.requests;
        const rounds = new Map<ScenarioName, Map<AppVariant, LoadFigures[]>>();
        for (const scenario of scenarios) rounds.set(scenario.name, await measure(apps, scenario, settings));
        jwksRequestsDuringLoads += jwks.requests - jwksBefore;
        byAlgorithm.set(alg, { rounds, skipped });
      } finally {
        await Promise.all(apps.map((app) => app.stop()));
        await jwks.stop();
      }
    }
    process.stderr.write('\n');
    return { byAlgorithm, jwksRequestsDuringLoads };
  } finally {
    redisServer?.stop();
  }
}
