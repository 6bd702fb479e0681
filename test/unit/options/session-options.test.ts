import { ASYMMETRIC_ALGORITHMS, SessionConfigError, type SessionModuleOptions } from '../../../lib/index.js';
import { SessionOptions } from '../../../lib/options/session-options.js';

const jwks = { keys: [{ kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', kid: 'k' }] };
const base: SessionModuleOptions = { issuer: 'P2abc', jwks };

function refusal(options: unknown): string {
  try {
    new SessionOptions(options as SessionModuleOptions);
    return 'accepted';
  } catch (error) {
    expect(error).toBeInstanceOf(SessionConfigError);
    return (error as SessionConfigError).message;
  }
}

describe('SessionOptions defaults', () => {
  const options = new SessionOptions(base);

  it('applies the documented defaults', () => {
    expect(options.issuerConfigs[0]!.algorithms).toEqual(ASYMMETRIC_ALGORITHMS);
    expect(options.verification.clockTolerance).toBe(5);
    expect(options.verification.maxTokenLength).toBe(8192);
    expect(options.verification.requiredClaims).toEqual(['exp', 'sub']);
    expect(options.cookies.refreshCookieName).toBe('DSR');
    expect(options.tenantResolution).toEqual({ param: 'tenantId', header: 'x-tenant-id', fromClaim: true });
    expect(options.extractors).toHaveLength(2);
    expect(options.keyFetch.fetchLimits).toEqual({ timeoutMs: 5000, maxBytes: 524288 });
  });

  it('never allows none or HMAC without a secret', () => {
    expect(options.issuerConfigs[0]!.algorithms).not.toContain('none');
    expect(options.issuerConfigs[0]!.algorithms.some((alg) => alg.startsWith('HS'))).toBe(false);
  });

  it('allows HS* alone with a secret, those the secret is long enough for (RFC 7518 3.2)', () => {
    expect(new SessionOptions({ issuer: 'P', secret: 'x'.repeat(32) }).issuerConfigs[0]!.algorithms).toEqual(['HS256']);
    expect(new SessionOptions({ issuer: 'P', secret: 'x'.repeat(48) }).issuerConfigs[0]!.algorithms).toEqual(['HS256', 'HS384']);
    expect(new SessionOptions({ issuer: 'P', secret: 'x'.repeat(64) }).issuerConfigs[0]!.algorithms).toEqual(['HS256', 'HS384', 'HS512']);
  });
});

describe('SessionOptions refuses what cannot work, naming the option', () => {
  it.each([
    ['no key source', { issuer: 'P' }, /"jwksUri" or another key source/],
    ['no issuer', { jwks }, /"issuer" is required with jwks/],
    ['nothing', {}, /"issuer" is required/],
    ['HS256 without a secret', { ...base, algorithms: ['HS256'] }, /"secret" is required for algorithm HS256/],
    ['a short secret', { issuer: 'P', secret: 'short' }, /"secret" must be at least 32 bytes, got 5/],
    ['HS512 with a 32-byte secret', { issuer: 'P', secret: 'x'.repeat(32), algorithms: ['HS512'] }, /"secret" must be at least 64 bytes for HS512, got 32/],
    ['a secret with public keys', { ...base, secret: 'x'.repeat(40) }, /"secret" cannot be combined/],
    ['an asymmetric algorithm with a secret', { issuer: 'P', secret: 'x'.repeat(40), algorithms: ['RS256'] }, /"algorithms" holds RS256/],
    ['none', { ...base, algorithms: ['none'] }, /"algorithms" holds unknown or unsafe algorithm "none"/],
    ['an unknown algorithm', { ...base, algorithms: ['RS1'] }, /"algorithms" holds unknown/],
    ['an empty allow-list', { ...base, algorithms: [] }, /"algorithms" must be a non-empty array/],
    ['an unknown preset', { ...base, claims: 'okta' }, /"claims" is an unknown preset "okta"/],
    ['a typo', { ...base, jwksUrl: 'https://x' }, /"jwksUrl" is not an option/],
    ['globalGuard from a factory', { ...base, globalGuard: false }, /"globalGuard" is read when the module is defined/],
    ['an http JWKS off loopback', { issuer: 'P', jwksUri: 'http://idp.example/jwks' }, /"jwksUri" must be an https: URL/],
    ['a relative JWKS URL', { issuer: 'P', jwksUri: '/jwks' }, /"jwksUri" must be an absolute URL/],
    ['discovery with a non-URL issuer', { issuer: 'P2abc', discovery: true }, /"issuer" must be an absolute URL/],
    ['discovery with two issuers', { issuer: ['https://a', 'https://b'], discovery: true }, /"discovery" needs exactly one issuer/],
    ['a certificate as public key', { issuer: 'P', publicKey: '-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----' }, /"publicKey" must be PEM SPKI/],
    ['a broken JWKS', { issuer: 'P', jwks: { keys: 'no' } }, /"jwks" must be a JSON Web Key Set/],
    ['a negative tolerance', { ...base, clockTolerance: -1 }, /"clockTolerance" must be a number of seconds >= 0/],
    ['a zero token cap', { ...base, maxTokenLength: 0 }, /"maxTokenLength" must be a positive integer/],
    ['an empty cookie name', { ...base, cookieName: '' }, /"cookieName" must be a non-empty string or false/],
    ['a validator without a name', { ...base, claimValidators: [{ validate: () => true }] }, /"claimValidators" must hold validators/],
    ['an empty issuer', { ...base, issuer: '' }, /"issuer" must be a non-empty string/],
  ])('%s', (_case, options, message) => {
    expect(refusal(options)).toMatch(message);
  });

  it('accepts http on loopback and with allowInsecureHttp', () => {
    expect(refusal({ issuer: 'P', jwksUri: 'http://127.0.0.1:4000/jwks' })).toBe('accepted');
    expect(refusal({ issuer: 'P', jwksUri: 'http://localhost:4000/jwks' })).toBe('accepted');
    expect(refusal({ issuer: 'P', jwksUri: 'http://idp.internal/jwks', allowInsecureHttp: true })).toBe('accepted');
  });
});
