import { SessionConfigError } from '../errors/session-config.error.js';
import { ASYMMETRIC_ALGORITHMS, isAsymmetricAlgorithm, type AsymmetricAlgorithm } from '../keys/algorithms.js';
import { numberOption, positiveInteger, rejectUnknownKeys } from '../config/option-readers.js';

/** `allowed`: Bearer and DPoP tokens; `required`: DPoP only. */
export type DpopMode = 'allowed' | 'required';

/** Which proxy headers name the scheme and host the client used (the proof's `htu`). */
export type DpopForwardedHeaders = 'x-forwarded' | 'forwarded';

export interface DpopNonceOptions {
  /** Shared by every instance (at least 32 bytes): a nonce one instance hands out is valid on all. */
  secret: string | Uint8Array;
  /** Seconds a nonce is handed out for; it is accepted for up to twice as long. Default 300. */
  lifetime?: number;
}

/** RFC 9449 options, as an application writes them (part of `SessionModuleOptions`). */
export interface DpopOptions {
  /** Absent: DPoP is ignored, except on `@RequireDpop()` routes. */
  dpop?: DpopMode;
  /** Proof algorithms accepted. Default: every asymmetric one (never `none` nor HS*). */
  dpopAlgorithms?: string[];
  /** Seconds after its `iat` a proof is accepted (plus `clockTolerance`). Default 60. */
  dpopProofMaxAge?: number;
  /** Server nonces (RFC 9449 section 8): every proof must carry a current one. Default off. */
  dpopNonce?: DpopNonceOptions;
  /**
   * Behind a reverse proxy: read the scheme and host the client used from `X-Forwarded-Proto` and
   * `X-Forwarded-Host` (`'x-forwarded'`) or `Forwarded` (`'forwarded'`, RFC 7239). Only set this
   * when the proxy overwrites that header. Default: the request's own scheme and `Host`.
   */
  dpopForwardedHeaders?: DpopForwardedHeaders;
}

export interface DpopConfig {
  readonly mode?: DpopMode;
  readonly algorithms: readonly AsymmetricAlgorithm[];
  readonly proofMaxAgeSeconds: number;
  readonly nonce?: { readonly secret: Uint8Array; readonly lifetimeSeconds: number };
  readonly forwardedHeaders?: DpopForwardedHeaders;
  /** RFC 9449 leaves the size open; 8 KiB holds any honest proof (an RSA 4096 `jwk` included). */
  readonly maxProofBytes: number;
}

export const DPOP_OPTION_KEYS: readonly (keyof DpopOptions)[] = Object.freeze(['dpop', 'dpopAlgorithms', 'dpopProofMaxAge', 'dpopNonce', 'dpopForwardedHeaders']);

const NONCE_KEYS: ReadonlySet<string> = new Set(['secret', 'lifetime']);
const MIN_NONCE_SECRET_BYTES = 32;

function readAlgorithms(value: unknown): readonly AsymmetricAlgorithm[] {
  if (value === undefined) return ASYMMETRIC_ALGORITHMS;
  if (!Array.isArray(value) || value.length === 0) throw new SessionConfigError('dpopAlgorithms', 'must be a non-empty array');
  for (const alg of value) {
    if (typeof alg !== 'string' || !isAsymmetricAlgorithm(alg)) {
      throw new SessionConfigError('dpopAlgorithms', `holds ${JSON.stringify(alg)}: only asymmetric algorithms are accepted (${ASYMMETRIC_ALGORITHMS.join(', ')})`);
    }
  }
  return Object.freeze([...new Set(value as AsymmetricAlgorithm[])]);
}

function readNonce(value: unknown): DpopConfig['nonce'] {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) throw new SessionConfigError('dpopNonce', 'must be an object: { secret, lifetime? }');
  rejectUnknownKeys(value, NONCE_KEYS, 'dpopNonce.');
  const { secret, lifetime } = value as DpopNonceOptions;
  const bytes = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  if (!(bytes instanceof Uint8Array) || bytes.byteLength < MIN_NONCE_SECRET_BYTES) {
    throw new SessionConfigError('dpopNonce.secret', `must be a string or Uint8Array of at least ${MIN_NONCE_SECRET_BYTES} bytes`);
  }
  const lifetimeSeconds = numberOption('dpopNonce.lifetime', lifetime, 300, positiveInteger, 'a positive integer of seconds');
  return Object.freeze({ secret: Uint8Array.from(bytes), lifetimeSeconds });
}

export function readDpopOptions(input: DpopOptions): DpopConfig {
  if (input.dpop !== undefined && input.dpop !== 'allowed' && input.dpop !== 'required') {
    throw new SessionConfigError('dpop', `must be 'allowed' or 'required', got ${JSON.stringify(input.dpop)}`);
  }
  const forwarded = input.dpopForwardedHeaders;
  if (forwarded !== undefined && forwarded !== 'x-forwarded' && forwarded !== 'forwarded') {
    throw new SessionConfigError('dpopForwardedHeaders', `must be 'x-forwarded' or 'forwarded', got ${JSON.stringify(forwarded)}`);
  }
  const nonce = readNonce(input.dpopNonce);
  return Object.freeze({
    ...(input.dpop !== undefined && { mode: input.dpop }),
    algorithms: readAlgorithms(input.dpopAlgorithms),
    proofMaxAgeSeconds: numberOption('dpopProofMaxAge', input.dpopProofMaxAge, 60, positiveInteger, 'a positive integer of seconds'),
    ...(nonce && { nonce }),
    ...(forwarded !== undefined && { forwardedHeaders: forwarded }),
    maxProofBytes: 8192,
  });
}
