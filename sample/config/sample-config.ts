/**
 * How the sample runs, read from the environment once at start.
 * - No `ISSUER`: the embedded dev issuer (keys made at start, tokens on demand). Dev only.
 * - `ISSUER` with `JWKS_URI` or `DISCOVERY=true` (and optionally `AUDIENCE`): a real provider's tokens.
 */
export type SampleConfig = DevIssuerConfig | ProviderConfig;

interface CommonConfig {
  readonly port: number;
  readonly host: string;
}

export interface DevIssuerConfig extends CommonConfig {
  readonly mode: 'dev-issuer';
  /**
   * `SESSIONS=server` (default): the code flow's sessions live server-side, the browser holds an
   * opaque `__Host-session` cookie; `SESSIONS=cookies`: the tokens themselves in `DS` / `DSR`.
   */
  readonly sessions: 'server' | 'cookies';
}

export interface ProviderConfig extends CommonConfig {
  readonly mode: 'provider';
  readonly issuer: string;
  readonly jwksUri?: string;
  readonly discovery: boolean;
  readonly audience?: string[];
}

/** Thrown for an environment that cannot work; the message says what to set. */
export class SampleConfigError extends Error {
  override readonly name = 'SampleConfigError';
}

function port(value: string | undefined): number {
  if (value === undefined || value === '') return 3000;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) throw new SampleConfigError(`PORT must be 0-65535, got "${value}"`);
  return parsed;
}

function list(value: string | undefined): string[] | undefined {
  const items = value?.split(',').map((item) => item.trim()).filter(Boolean);
  return items?.length ? items : undefined;
}

export function readSampleConfig(env: Readonly<Record<string, string | undefined>>): SampleConfig {
  // Loopback by default: in dev-issuer mode anyone who reaches the app can mint tokens.
  const common = { port: port(env.PORT), host: env.HOST || '127.0.0.1' };
  const issuer = env.ISSUER?.trim();
  const jwksUri = env.JWKS_URI?.trim() || undefined;
  const discovery = env.DISCOVERY === 'true';
  const audience = list(env.AUDIENCE);

  if (!issuer) {
    if (jwksUri || discovery || audience) {
      throw new SampleConfigError('JWKS_URI, DISCOVERY and AUDIENCE need ISSUER too (the expected `iss` of the tokens)');
    }
    const sessions = env.SESSIONS?.trim() || 'server';
    if (sessions !== 'server' && sessions !== 'cookies') throw new SampleConfigError(`SESSIONS must be "server" or "cookies", got "${sessions}"`);
    return { ...common, mode: 'dev-issuer', sessions };
  }
  if (!jwksUri && !discovery) {
    throw new SampleConfigError('ISSUER needs a key source: JWKS_URI=<url of the JSON Web Key Set> or DISCOVERY=true');
  }
  return {
    ...common,
    mode: 'provider',
    issuer,
    discovery,
    ...(jwksUri && { jwksUri }),
    ...(audience && { audience }),
  };
}
