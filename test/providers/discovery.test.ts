import { Controller, Get } from '@nestjs/common';
import { SessionConfigError, SessionError, type SessionModuleOptions } from '../../lib/index.js';
import { SessionOptions } from '../../lib/options/session-options.js';
import { authorizationServerMetadataUrl, openIdConfigurationUrl, ProviderDiscovery } from '../../lib/provider/discovery.js';
import { ProviderDirectory } from '../../lib/provider/provider-directory.js';
import { call, startApp, type TestApp } from '../support/app.js';
import { makeKey, signSession, type TestKey } from '../support/keys.js';
import { LoopbackServer } from '../support/loopback-server.js';

const limits = { timeoutMs: 2000, maxBytes: 64 * 1024 };

@Controller()
class MeController {
  @Get('me') me() { return { ok: true }; }
}

describe('provider discovery', () => {
  let idp: LoopbackServer;
  let key: TestKey;
  beforeAll(async () => {
    key = await makeKey('ES256', 'k1');
  });
  beforeEach(async () => {
    idp = await new LoopbackServer().start();
  });
  afterEach(() => idp.stop());

  const metadataFor = (issuer: string, extra: object = {}) => ({
    issuer,
    jwks_uri: `${idp.origin}/keys`,
    token_endpoint: `${idp.origin}/oauth/token`,
    revocation_endpoint: `${idp.origin}/oauth/revoke`,
    introspection_endpoint: `${idp.origin}/oauth/introspect`,
    ...extra,
  });
  const discovery = (issuer: string, cooldownMs = 30_000, allowInsecureHttp = false) => new ProviderDiscovery(issuer, limits, cooldownMs, allowInsecureHttp);

  it('builds both well-known URLs as the specifications say', () => {
    expect(openIdConfigurationUrl('https://idp.example/tenant/')).toBe('https://idp.example/tenant/.well-known/openid-configuration');
    expect(authorizationServerMetadataUrl('https://idp.example/tenant')).toBe('https://idp.example/.well-known/oauth-authorization-server/tenant');
    expect(authorizationServerMetadataUrl('https://idp.example')).toBe('https://idp.example/.well-known/oauth-authorization-server');
  });

  it('reads the OpenID document once and takes jwks_uri and the endpoints from it', async () => {
    const issuer = `${idp.origin}/tenant`;
    idp.json('/tenant/.well-known/openid-configuration', metadataFor(issuer));
    const found = discovery(issuer);
    const [first, second] = await Promise.all([found.get(), found.get()]);
    expect(await found.get()).toBe(first);
    expect(second).toBe(first);
    expect(first).toMatchObject({
      issuer,
      tokenEndpoint: `${idp.origin}/oauth/token`,
      revocationEndpoint: `${idp.origin}/oauth/revoke`,
      introspectionEndpoint: `${idp.origin}/oauth/introspect`,
    });
    expect(first.jwksUri.href).toBe(`${idp.origin}/keys`);
    expect(idp.hits()).toBe(1);
  });

  it('falls back to RFC 8414 metadata when the OpenID document is missing', async () => {
    const issuer = `${idp.origin}/tenant`;
    idp.json('/.well-known/oauth-authorization-server/tenant', metadataFor(issuer));
    const metadata = await discovery(issuer).get();
    expect(metadata.documentUrl).toBe(`${idp.origin}/.well-known/oauth-authorization-server/tenant`);
    expect(idp.requests).toEqual(['/tenant/.well-known/openid-configuration', '/.well-known/oauth-authorization-server/tenant']);
  });

  it('does not fall back when the OpenID document fails otherwise than missing', async () => {
    const issuer = idp.origin;
    idp.json('/.well-known/openid-configuration', { error: 'down' }, 500);
    idp.json('/.well-known/oauth-authorization-server', metadataFor(issuer));
    await expect(discovery(issuer).get()).rejects.toThrow(/got 500/);
    expect(idp.hits('/.well-known/oauth-authorization-server')).toBe(0);
  });

  it.each([
    ['another issuer', (issuer: string) => metadataFor(`${issuer}/other`), /names issuer/],
    ['no jwks_uri', (issuer: string) => ({ issuer }), /no jwks_uri/],
    ['a jwks_uri over http off loopback', (issuer: string) => metadataFor(issuer, { jwks_uri: 'http://keys.example.com/jwks' }), /must be an https: URL/],
    ['an endpoint over http off loopback', (issuer: string) => metadataFor(issuer, { token_endpoint: 'http://idp.example.com/token' }), /must be an https: URL/],
    ['not an object', () => ['issuer'], /not a JSON object/],
  ])('refuses a document with %s', async (_name, document, error) => {
    idp.json('/.well-known/openid-configuration', document(idp.origin));
    await expect(discovery(idp.origin).get()).rejects.toThrow(error);
  });

  it('accepts http endpoints off loopback only with allowInsecureHttp', async () => {
    idp.json('/.well-known/openid-configuration', metadataFor(idp.origin, { token_endpoint: 'http://idp.example.com/token' }));
    await expect(discovery(idp.origin, 0, true).get()).resolves.toMatchObject({ tokenEndpoint: 'http://idp.example.com/token' });
  });

  it('remembers a failure for the cooldown, then tries again', async () => {
    const found = discovery(idp.origin, 60_000);
    await expect(found.get()).rejects.toThrow();
    await expect(found.get()).rejects.toThrow();
    expect(idp.hits('/.well-known/openid-configuration')).toBe(1);
    const retried = discovery(idp.origin, 0);
    await expect(retried.get()).rejects.toThrow();
    idp.json('/.well-known/openid-configuration', metadataFor(idp.origin));
    await expect(retried.get()).resolves.toMatchObject({ issuer: idp.origin });
  });

  describe('ProviderDirectory', () => {
    const directory = (input: SessionModuleOptions) => ((options) => new ProviderDirectory(options.issuerConfigs, options.keyFetch))(new SessionOptions(input));

    it('gives the metadata of the only issuer, or of the one named', async () => {
      idp.json('/.well-known/openid-configuration', metadataFor(idp.origin));
      await expect(directory({ issuer: idp.origin, jwks: { keys: [] } }).metadata()).resolves.toMatchObject({ tokenEndpoint: `${idp.origin}/oauth/token` });
      const several = directory({ issuers: [{ issuer: idp.origin, jwks: { keys: [] } }, { issuer: 'https://b.example', jwks: { keys: [] } }] });
      await expect(several.metadata(idp.origin)).resolves.toMatchObject({ issuer: idp.origin });
      await expect(several.metadata()).rejects.toThrow(SessionConfigError);
    });

    it('refuses an issuer that is not configured, or not a URL, without any request', async () => {
      await expect(directory({ issuer: idp.origin, jwks: { keys: [] } }).metadata('https://evil.example')).rejects.toThrow(SessionConfigError);
      await expect(directory({ issuer: 'P2abc', jwks: { keys: [] } }).metadata()).rejects.toThrow(SessionConfigError);
      expect(idp.hits()).toBe(0);
    });

    it('fails with provider_unavailable when the document cannot be had', async () => {
      const failure = directory({ issuer: idp.origin, jwks: { keys: [] } }).metadata();
      await expect(failure).rejects.toBeInstanceOf(SessionError);
      await expect(failure).rejects.toMatchObject({ reason: 'provider_unavailable' });
    });
  });

  describe('in a Nest app (discovery: true)', () => {
    let app: TestApp | undefined;
    afterEach(() => app?.close());

    it('verifies tokens with the keys of an RFC 8414-only server', async () => {
      idp.json('/.well-known/oauth-authorization-server', metadataFor(idp.origin)).json('/keys', { keys: [key.publicJwk] });
      app = await startApp({ issuer: idp.origin, discovery: true }, [MeController]);
      const answer = await call(`${app.url}/me`, { token: await signSession({ iss: idp.origin }, { key }) });
      expect(answer.status).toBe(200);
      expect(idp.hits('/keys')).toBe(1);
    });

    it('answers 503 keys_unavailable when the document names another issuer, and never fetches its jwks_uri', async () => {
      idp.json('/.well-known/openid-configuration', metadataFor('https://attacker.example')).json('/keys', { keys: [key.publicJwk] });
      app = await startApp({ issuer: idp.origin, discovery: true }, [MeController]);
      const answer = await call(`${app.url}/me`, { token: await signSession({ iss: idp.origin }, { key }) });
      expect(answer.status).toBe(503);
      expect(answer.body.reason).toBe('keys_unavailable');
      expect(idp.hits('/keys')).toBe(0);
    });
  });
});
