import { SessionConfigError, type SessionModuleOptions } from '../../lib/index.js';
import { SessionOptions } from '../../lib/options/session-options.js';
import { IntrospectionRouter } from '../../lib/introspection/introspection-router.js';
import { ProviderDirectory } from '../../lib/provider/provider-directory.js';

const BASE: SessionModuleOptions = { issuer: 'https://idp.example.test', jwksUri: 'https://idp.example.test/jwks', clientId: 'api', clientSecret: 'api-secret' };

function router(options: SessionModuleOptions): IntrospectionRouter {
  const read = new SessionOptions(options);
  return new IntrospectionRouter(read, new ProviderDirectory(read.issuerConfigs, read.keyFetch));
}

describe('introspection options', () => {
  it('are checked at start-up, naming the option', () => {
    expect(() => new SessionOptions({ ...BASE, introspection: { endpoint: 'http://idp.example.test/introspect' } })).toThrow(/introspection.endpoint/);
    expect(() => new SessionOptions({ ...BASE, introspection: { tokens: 'some' as never } })).toThrow(/introspection.tokens/);
    expect(() => new SessionOptions({ ...BASE, introspection: { cacheMaxAge: 0 } })).toThrow(/introspection.cacheMaxAge/);
    expect(() => new SessionOptions({ ...BASE, introspection: { cachemaxage: 5 } as never })).toThrow(SessionConfigError);
    expect(() => new SessionOptions({ ...BASE, issuers: [{ issuer: 'https://b.example.test', jwksUri: 'https://b.example.test/jwks', introspection: { clientId: 'x', clientAuthMethod: 'client_secret_post' } }] })).toThrow(/issuers\[0\]\.introspection\.clientSecret/);
  });

  it('need a client to authenticate with, and one introspecting issuer at most', () => {
    expect(() => router({ issuer: BASE.issuer, jwksUri: BASE.jwksUri, introspection: {} })).toThrow(/introspection.clientId/);
    expect(() => router({ ...BASE, introspection: {}, issuers: [{ issuer: 'https://b.example.test', jwksUri: 'https://b.example.test/jwks', introspection: {} }] })).toThrow(/several issuers/);
  });

  it('route opaque tokens to introspection and JWTs to offline verification, unless tokens: all', () => {
    const jwt = `${Buffer.from('{"alg":"ES256"}').toString('base64url')}.${Buffer.from(`{"iss":"${BASE.issuer}"}`).toString('base64url')}.c2ln`;
    expect(router({ ...BASE, introspection: {} }).introspect(jwt)).toBeUndefined();
    const all = router({ ...BASE, introspection: { tokens: 'all', endpoint: 'http://127.0.0.1:1/introspect' } }).introspect(jwt);
    expect(all).toBeInstanceOf(Promise);
    all?.catch(() => undefined);
    expect(router(BASE).introspect('opaque-token')).toBeUndefined();
  });
});
