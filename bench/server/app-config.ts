/** The ways the same app is started. */
export type AppVariant = 'no-guard' | 'session-guard' | 'session-guard-no-cache' | 'session-guard-redis' | 'jose-guard' | 'fast-jwt' | 'passport-jwt';

export const APP_LABELS: Readonly<Record<AppVariant, string>> = {
  'no-guard': 'no guard',
  'session-guard': 'SessionGuard',
  'session-guard-no-cache': 'SessionGuard, sessionCache: false',
  'session-guard-redis': 'SessionGuard + Redis store',
  'jose-guard': 'bare jose guard (jwtVerify, no cache)',
  'fast-jwt': 'fast-jwt (its cache on)',
  'passport-jwt': 'passport-jwt + jwks-rsa',
};

/** What the parent tells an app process (as JSON in BENCH_APP). */
export interface AppConfig {
  readonly variant: AppVariant;
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUri: string;
  /** The one algorithm the tokens of this run are signed with; the peers' guards need it. */
  readonly algorithm?: string;
  /** Only for `session-guard-redis`. */
  readonly redisUrl?: string;
  /** SessionGuard variants: RFC 9449 DPoP accepted beside Bearer (the DPoP bench). */
  readonly dpop?: 'allowed';
}

/** What an app process answers over IPC once it listens, or when it cannot start. */
export type AppMessage = { readonly port: number } | { readonly error: string };
