import { Controller, Get } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AnyPermission, mfa, Permissions, RequireClaims, SessionModule, type SessionModuleOptions } from '../../../lib/index.js';
import { call, createHttpApp, HTTP_ADAPTERS, startApp, type TestApp } from '../../support/app.js';
import { freePort } from '../../support/free-port.js';
import { makeKey } from '../../support/keys.js';
import { OidcProviderServer } from '../../support/oidc-provider.js';

@Controller('orders')
class OrdersController {
  @Permissions('orders:read') @Get() list() { return { orders: [] }; }
  @AnyPermission('orders:write', 'orders:read') @Get('drafts') drafts() { return { drafts: [] }; }
  @RequireClaims(mfa()) @Get('sensitive') sensitive() { return { ok: true }; }
}

/** The `resource_metadata` parameter of a `WWW-Authenticate` challenge. */
function resourceMetadataOf(challenge: string | null): string | undefined {
  return /resource_metadata="([^"]*)"/.exec(challenge ?? '')?.[1];
}

async function startOn(port: number, adapter: (typeof HTTP_ADAPTERS)[number], options: SessionModuleOptions): Promise<TestApp> {
  const moduleRef = await Test.createTestingModule({ imports: [SessionModule.forRoot(options)], controllers: [OrdersController] }).compile();
  const nest = await createHttpApp(moduleRef, adapter, false);
  await nest.listen(port, '127.0.0.1');
  return { app: nest, url: await nest.getUrl(), close: () => nest.close() };
}

/**
 * A client that knows nothing but the API's URL (as an MCP client): it gets a 401, follows
 * `resource_metadata` to the protected resource metadata (RFC 9728), discovers the authorization
 * server there, gets a token for the resource and the announced scopes, and is let in.
 */
describe.each(HTTP_ADAPTERS)('protected resource metadata (RFC 9728) over HTTP (%s)', (adapter) => {
  let provider: OidcProviderServer;
  let app: TestApp;
  let resource: string;

  beforeAll(async () => {
    const port = await freePort();
    resource = `http://127.0.0.1:${port}`;
    provider = await new OidcProviderServer({ resource }).start();
    app = await startOn(port, adapter, {
      issuer: provider.issuer,
      jwksUri: provider.jwksUri,
      audience: resource,
      claims: 'oidc',
      realm: 'orders',
      resourceMetadata: { resource, permissionsAreScopes: true, resourceName: 'Orders API' },
    });
  });
  afterAll(async () => {
    await app?.close();
    await provider?.stop();
  });

  it('a client discovers the authorization server from a 401 and gets in', async () => {
    const refused = await call(`${resource}/orders`);
    expect(refused.status).toBe(401);
    const metadataUrl = resourceMetadataOf(refused.headers.get('www-authenticate'));
    expect(metadataUrl).toBe(`${resource}/.well-known/oauth-protected-resource`);

    const metadata = await call(metadataUrl!);
    expect(metadata.status).toBe(200);
    expect(metadata.headers.get('content-type')).toMatch(/^application\/json/);
    expect(metadata.body).toEqual({
      resource,
      authorization_servers: [provider.issuer],
      scopes_supported: ['orders:read', 'orders:write'],
      bearer_methods_supported: ['header'],
      resource_name: 'Orders API',
    });

    const server = await call(`${metadata.body.authorization_servers[0]}/.well-known/openid-configuration`);
    expect(server.body.issuer).toBe(provider.issuer);
    const grant = await provider.tokenRequest(
      new URLSearchParams({ grant_type: 'client_credentials', resource: metadata.body.resource, scope: metadata.body.scopes_supported.join(' ') }),
    );
    expect(server.body.token_endpoint).toBe(provider.tokenEndpoint);
    expect(await call(`${resource}/orders`, { token: grant.access_token })).toMatchObject({ status: 200, body: { orders: [] } });
  });

  it('every 401 challenge names the metadata, after the realm; a 403 does not', async () => {
    const url = `${resource}/.well-known/oauth-protected-resource`;
    expect((await call(`${resource}/orders`)).headers.get('www-authenticate')).toBe(`Bearer realm="orders", resource_metadata="${url}"`);
    const invalid = await call(`${resource}/orders`, { token: 'not.a.token' });
    expect(invalid.headers.get('www-authenticate')).toMatch(new RegExp(`^Bearer realm="orders", error="invalid_token", error_description="[^"]*", resource_metadata="${url}"$`));

    const writeOnly = (await provider.clientCredentialsToken('orders:write')).access_token;
    const forbidden = await call(`${resource}/orders`, { token: writeOnly });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('www-authenticate')).not.toContain('resource_metadata');

    // A step-up 401 too: the client learns where to authenticate more strongly.
    const stepUp = await call(`${resource}/orders/sensitive`, { token: writeOnly });
    expect(stepUp.status).toBe(401);
    expect(resourceMetadataOf(stepUp.headers.get('www-authenticate'))).toBe(url);
  });
});

describe('protected resource metadata: paths and options', () => {
  const base = { issuer: 'https://idp.example' };
  let apps: TestApp[] = [];
  afterEach(async () => {
    await Promise.all(apps.map((app) => app.close()));
    apps = [];
  });

  it('a resource with a path is served under the well-known path plus that path', async () => {
    const { publicJwk } = await makeKey('ES256');
    const app = await startApp({ ...base, jwks: { keys: [publicJwk] }, resourceMetadata: { resource: 'https://api.example.com/mcp/', scopes: ['tools:call'] } }, [OrdersController]);
    apps.push(app);
    const metadata = await call(`${app.url}/.well-known/oauth-protected-resource/mcp`);
    expect(metadata.body).toEqual({
      resource: 'https://api.example.com/mcp/',
      authorization_servers: ['https://idp.example'],
      scopes_supported: ['tools:call'],
      bearer_methods_supported: ['header'],
    });
    expect((await call(`${app.url}/orders`)).headers.get('www-authenticate')).toBe('Bearer resource_metadata="https://api.example.com/.well-known/oauth-protected-resource/mcp"');
  });

  it('without the option there is no endpoint and no resource_metadata', async () => {
    const { publicJwk } = await makeKey('ES256');
    const app = await startApp({ ...base, jwks: { keys: [publicJwk] } }, [OrdersController]);
    apps.push(app);
    expect((await call(`${app.url}/.well-known/oauth-protected-resource`)).status).toBe(404);
    expect((await call(`${app.url}/orders`)).headers.get('www-authenticate')).toBe('Bearer');
  });
});
