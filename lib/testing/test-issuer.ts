import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JSONWebKeySet, type JWTPayload } from 'jose';
import { randomUUID } from 'node:crypto';
import { isAsymmetricAlgorithm, type AsymmetricAlgorithm } from '../keys/algorithms.js';
import type { SessionModuleOptions } from '../options/session-module-options.interface.js';
import type { MintOptions, TestSessionClaims } from './test-claims.js';

export interface TestIssuerOptions {
  /** The `iss` of minted tokens and the `issuer` of `moduleOptions()`. Default `'test-issuer'`. */
  issuer?: string;
  /** The signing algorithm (asymmetric). Default `'ES256'`. */
  alg?: AsymmetricAlgorithm;
}

const DEFAULT_EXPIRES_IN = 600;

function secondsOption(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`mint(): ${name} must be a finite number of seconds from now`);
  return Math.trunc(value);
}

/**
 * An identity provider for an application's own tests: a fresh key pair in memory, its public key
 * set, module options that trust it (no network key source) and signed session tokens on demand.
 */
export class TestIssuer {
  private constructor(
    /** The `iss` of every minted token. */
    readonly issuer: string,
    /** The public key set (no private key material). */
    readonly jwks: JSONWebKeySet,
    private readonly alg: AsymmetricAlgorithm,
    private readonly kid: string,
    private readonly privateKey: CryptoKey,
  ) {}

  static async create(options: TestIssuerOptions = {}): Promise<TestIssuer> {
    const issuer = options.issuer ?? 'test-issuer';
    const alg = options.alg ?? 'ES256';
    if (typeof issuer !== 'string' || issuer === '') throw new TypeError('TestIssuer.create(): issuer must be a non-empty string');
    if (!isAsymmetricAlgorithm(alg)) throw new TypeError(`TestIssuer.create(): alg must be an asymmetric JWS algorithm (ES256, RS256, EdDSA ...), got ${String(alg)}`);
    const { privateKey, publicKey } = await generateKeyPair(alg);
    const kid = `test-${randomUUID()}`;
    const jwks: JSONWebKeySet = { keys: [Object.freeze({ ...(await exportJWK(publicKey)), kid, alg, use: 'sig' })] };
    return new TestIssuer(issuer, Object.freeze(jwks), alg, kid, privateKey);
  }

  /** Options for `SessionModule.forRoot()` that trust this issuer's key set; `extra` adds or overrides. */
  moduleOptions(extra: SessionModuleOptions = {}): SessionModuleOptions {
    return { issuer: this.issuer, jwks: this.jwks, ...extra };
  }

  /** A signed session token: `iss`, `sub` `'user-1'`, `iat` now and `exp` in 600 s unless given. */
  async mint(claims: TestSessionClaims = {}, options: MintOptions = {}): Promise<string> {
    const expiresIn = secondsOption('expiresIn', options.expiresIn) ?? DEFAULT_EXPIRES_IN;
    const notBefore = secondsOption('notBefore', options.notBefore);
    const now = Math.floor(Date.now() / 1000);
    const payload: JWTPayload = {
      iss: this.issuer,
      sub: 'user-1',
      iat: now,
      exp: now + expiresIn,
      ...(notBefore === undefined ? {} : { nbf: now + notBefore }),
      ...claims,
    };
    return new SignJWT(payload).setProtectedHeader({ alg: this.alg, kid: this.kid, typ: 'JWT', ...options.header }).sign(this.privateKey);
  }
}
