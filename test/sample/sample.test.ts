import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../../sample/app.module.js';
import { readSampleConfig, SampleConfigError } from '../../sample/config/sample-config.js';
import { call, type HttpAnswer } from '../support/app.js';

/** The sample's real AppModule on a loopback port, configured from an environment like main.ts does. */
async function startSample(env: Record<string, string>): Promise<{ app: INestApplication; url: string }> {
  const app = await NestFactory.create(AppModule.forConfig(readSampleConfig(env)), { logger: false });
  await app.listen(0, '127.0.0.1');
  return { app, url: await app.getUrl() };
}

const run = promisify(execFile);

describe('sample app, dev-issuer mode (the flow of docs/sample.md)', () => {
  let sample: { app: INestApplication; url: string };
  const get = (path: string, token?: string, headers: Record<string, string> = {}) =>
    call(`${sample.url}${path}`, { headers, ...(token !== undefined && { token }) });

  /** POST /dev/token, as the curl line of docs/sample.md does. */
  async function devToken(body: object): Promise<string> {
    const answer = await call(`${sample.url}/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(answer.status).toBe(200);
    return answer.body.token;
  }

  /** `npm run sample:token -- ...args`, without npm's own output. */
  async function cliToken(...args: string[]): Promise<string> {
    const { stdout } = await run(process.execPath, [resolve('sample/token-cli.mjs'), '--url', sample.url, ...args]);
    return stdout.trim();
  }

  function expectRefusal(answer: HttpAnswer, status: number, reason: string): void {
    expect({ status: answer.status, reason: answer.body?.reason }).toEqual({ status, reason });
    expect(Object.keys(answer.body).sort()).toEqual(
      ['error', 'message', 'reason', 'statusCode', ...(answer.body.failedValidators ? ['failedValidators'] : [])].sort(),
    );
  }

  beforeAll(async () => {
    sample = await startSample({});
  });
  afterAll(() => sample.app.close());

  it('serves /health and the dev issuer public key set without a token', async () => {
    expect(await get('/health')).toMatchObject({ status: 200, body: { status: 'ok' } });
    const jwks = await get('/.well-known/jwks.json');
    expect(jwks.status).toBe(200);
    expect(jwks.body.keys).toHaveLength(1);
    expect(jwks.body.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: expect.stringMatching(/^dev-/) });
    expect(jwks.body.keys[0]).not.toHaveProperty('d');
  });

  it('sample:token prints a Descope-shaped token that the routes accept', async () => {
    const token = await cliToken('--tenant', 't1', '--role', 'admin', '--permission', 'projects:create', '--mfa');
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    expect(payload).toMatchObject({
      iss: 'sample-dev-issuer',
      aud: 'sample-api',
      sub: 'U-dev-user',
      roles: [],
      permissions: [],
      tenants: { t1: { roles: ['admin'], permissions: ['projects:create'] } },
      dct: 't1',
      amr: ['pwd', 'mfa'],
    });
    expect(payload.exp - payload.iat).toBe(3600);

    const projects = await get('/tenants/t1/projects', token);
    expect(projects.status).toBe(200);
    expect(projects.body).toMatchObject({ tenant: 't1', yourRoles: ['admin'], canCreate: true, canDelete: true });
    expect(projects.body.projects.map((project: { id: string }) => project.id)).toEqual(expect.arrayContaining(['p1', 'p2']));
  });

  it('sample:token puts grants before any --tenant at the top level and honours --no-dct and --claim', async () => {
    const token = await cliToken('--role', 'admin', '--tenant', 't2', '--role', 'viewer', '--no-dct', '--claim', 'suspended=true', '--sub', 'U42');
    const me = await get('/me', token);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ userId: 'U42', roles: ['admin'], tenants: { t2: { roles: ['viewer'], permissions: [] } }, suspended: true });
    expect(me.body).not.toHaveProperty('currentTenant');
  });

  it('GET /me: 401 token_missing without a token, the session with one', async () => {
    const missing = await get('/me');
    expectRefusal(missing, 401, 'token_missing');
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');

    const token = await devToken({ sub: 'U7', roles: ['member'], tenants: { t1: { roles: ['viewer'] } }, tenant: 't1' });
    const me = await get('/me', token);
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      userId: 'U7',
      sessionId: expect.any(String),
      issuer: 'sample-dev-issuer',
      audience: ['sample-api'],
      expiresAt: expect.any(String),
      authMethods: ['pwd'],
      currentTenant: 't1',
      roles: ['member'],
      permissions: [],
      tenants: { t1: { roles: ['viewer'], permissions: [] } },
      suspended: false,
    });
  });

  it('refuses a tampered or garbage token with 401 and an invalid_token challenge', async () => {
    const token = await devToken({ roles: ['member'] });
    const [header, , signature] = token.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ iss: 'sample-dev-issuer', aud: 'sample-api', sub: 'U1', exp: 4102444800, roles: ['admin'] })).toString('base64url')}.${signature}`;
    const tampered = await get('/admin/tenants', forged);
    expectRefusal(tampered, 401, 'signature_invalid');
    expect(tampered.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token", error_description="/);
    expectRefusal(await get('/me', 'not-a-token'), 401, 'token_malformed');
  });

  it('the platform admin route refuses a tenant admin, whatever tenant the token or the header names', async () => {
    const tenantAdmin = await devToken({ tenants: { t1: { roles: ['admin'] } }, tenant: 't1' });
    expectRefusal(await get('/admin/tenants', tenantAdmin), 403, 'missing_roles');
    expectRefusal(await get('/admin/tenants', tenantAdmin, { 'x-tenant-id': 't1' }), 403, 'missing_roles');
  });

  it('a session for t1 is refused in t2 (tenant mismatch), by route parameter and by header', async () => {
    const token = await devToken({ tenants: { t1: { roles: ['admin'] } }, tenant: 't1' });
    const other = await get('/tenants/t2/projects', token);
    expectRefusal(other, 403, 'tenant_not_member');
    expect(other.headers.get('www-authenticate')).toBeNull();
    expectRefusal(await get('/me/tenant', token, { 'x-tenant-id': 't2' }), 403, 'tenant_not_member');
  });

  it('POST needs one of the tenant roles (class) and projects:create (method), in that tenant', async () => {
    const create = (token: string) =>
      call(`${sample.url}/tenants/t1/projects`, {
        method: 'POST',
        token,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Docs site' }),
      });

    const member = await devToken({ tenants: { t1: { roles: ['member'], permissions: ['projects:create'] } } });
    const created = await create(member);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.stringMatching(/^p\d+$/), name: 'Docs site', createdBy: 'U-dev-user' });

    const viewer = await devToken({ tenants: { t1: { roles: ['viewer'] } } });
    const noPermission = await create(viewer);
    expectRefusal(noPermission, 403, 'missing_permissions');
    expect(noPermission.headers.get('www-authenticate')).toMatch(/^Bearer error="insufficient_scope"/);

    const noRole = await devToken({ tenants: { t1: { permissions: ['projects:create'] } } });
    expectRefusal(await create(noRole), 403, 'missing_roles');

    // Top-level grants do not count inside a tenant.
    const topLevel = await devToken({ roles: ['member'], permissions: ['projects:create'], tenants: { t1: { roles: ['viewer'] } } });
    expectRefusal(await create(topLevel), 403, 'missing_permissions');
  });

  it('DELETE needs the tenant role admin', async () => {
    const remove = (token: string, id: string) => call(`${sample.url}/tenants/t2/projects/${id}`, { method: 'DELETE', token });
    const member = await devToken({ tenants: { t2: { roles: ['member'] } } });
    expectRefusal(await remove(member, 'p3'), 403, 'missing_roles');

    const admin = await devToken({ tenants: { t2: { roles: ['admin'] } } });
    expect((await remove(admin, 'p3')).status).toBe(204);
    expect((await remove(admin, 'p3')).status).toBe(404);
  });

  it('billing needs billing:read or billing:manage and a second factor (mfa)', async () => {
    const withoutMfa = await devToken({ tenants: { t1: { roles: ['viewer'], permissions: ['billing:read'] } } });
    const refused = await get('/tenants/t1/billing', withoutMfa);
    expectRefusal(refused, 401, 'insufficient_user_authentication');
    expect(refused.body.failedValidators).toEqual(['mfa']);

    const withMfa = await devToken({ tenants: { t1: { permissions: ['billing:manage'] } }, amr: ['otp', 'mfa'] });
    expect(await get('/tenants/t1/billing', withMfa)).toMatchObject({ status: 200, body: { tenant: 't1', canManage: true } });

    const neither = await devToken({ tenants: { t1: { permissions: ['projects:create'] } }, amr: ['otp', 'mfa'] });
    expectRefusal(await get('/tenants/t1/billing', neither), 403, 'missing_permissions');
  });

  it('GET /me/tenant resolves the header first, then dct; with neither it is 403 tenant_required', async () => {
    const token = await devToken({ tenants: { t1: { roles: ['member'] }, t2: { roles: ['viewer'] } }, tenant: 't1' });
    expect((await get('/me/tenant', token)).body).toEqual({ tenant: { id: 't1', roles: ['member'], permissions: [] } });
    expect((await get('/me/tenant', token, { 'x-tenant-id': 't2' })).body).toEqual({ tenant: { id: 't2', roles: ['viewer'], permissions: [] } });

    const noCurrent = await devToken({ tenants: { t1: { roles: ['member'] } } });
    expectRefusal(await get('/me/tenant', noCurrent), 403, 'tenant_required');
  });

  it('GET /welcome runs without a session, with one, and refuses an invalid one', async () => {
    expect(await get('/welcome')).toMatchObject({ status: 200, body: { signedIn: false, message: 'Welcome, guest' } });
    const token = await devToken({ sub: 'U9' });
    expect(await get('/welcome', token)).toMatchObject({ status: 200, body: { signedIn: true, message: 'Welcome back, U9' } });
    const at = token.length - 10;
    const badSignature = `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`;
    expectRefusal(await get('/welcome', badSignature), 401, 'signature_invalid');
  });

  it('GET /admin/tenants needs the top-level role admin, whatever tenant the request names', async () => {
    const admin = await devToken({ roles: ['admin'], tenants: { t1: { roles: ['viewer'] } }, tenant: 't1' });
    expect(await get('/admin/tenants', admin)).toMatchObject({ status: 200, body: { requestedBy: 'U-dev-user', projectsPerTenant: { t1: expect.any(Number) } } });
    const member = await devToken({ roles: ['member'] });
    expectRefusal(await get('/admin/tenants', member), 403, 'missing_roles');
    // An admin of one tenant only, naming that tenant, is no platform admin.
    const tenantAdmin = await devToken({ tenants: { t9: { roles: ['admin'] } }, tenant: 't9' });
    expectRefusal(await get('/admin/tenants', tenantAdmin), 403, 'missing_roles');
  });

  it('the global notSuspended rule refuses a suspended user everywhere except GET /me', async () => {
    const token = await devToken({ tenants: { t1: { roles: ['viewer'] } }, claims: { suspended: true } });
    const refused = await get('/tenants/t1/projects', token);
    expectRefusal(refused, 403, 'claims_failed');
    expect(refused.body.failedValidators).toEqual(['notSuspended']);
    expect(await get('/me', token)).toMatchObject({ status: 200, body: { suspended: true } });
  });

  it('POST /dev/token refuses a malformed request with 400 naming the field', async () => {
    const answer = await call(`${sample.url}/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ roles: 'admin' }),
    });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toContain('"roles"');
    await expect(run(process.execPath, [resolve('sample/token-cli.mjs'), '--url', sample.url, '--ttl', '0'])).rejects.toMatchObject({
      stderr: expect.stringContaining('"ttl"'),
    });
  });

  describe('provider mode: ISSUER and JWKS_URI set', () => {
    let provider: { app: INestApplication; url: string };
    beforeAll(async () => {
      // The dev-issuer instance plays the real provider: its JWKS route is a remote key set.
      provider = await startSample({ ISSUER: 'sample-dev-issuer', JWKS_URI: `${sample.url}/.well-known/jwks.json`, AUDIENCE: 'sample-api' });
    });
    afterAll(() => provider.app.close());

    it('validates the provider tokens through its JWKS URI and has no dev issuer (404)', async () => {
      const token = await devToken({ sub: 'U5', tenants: { t1: { roles: ['viewer'] } }, tenant: 't1' });
      expect(await call(`${provider.url}/tenants/t1/projects`, { token })).toMatchObject({ status: 200, body: { tenant: 't1', yourRoles: ['viewer'] } });
      expect((await call(`${provider.url}/dev/token`, { method: 'POST' })).status).toBe(404);
      expect((await call(`${provider.url}/.well-known/jwks.json`)).status).toBe(404);
      await expect(run(process.execPath, [resolve('sample/token-cli.mjs'), '--url', provider.url])).rejects.toMatchObject({
        stderr: expect.stringContaining('has no dev issuer'),
      });
    });

    it('checks AUDIENCE', async () => {
      const other = await startSample({ ISSUER: 'sample-dev-issuer', JWKS_URI: `${sample.url}/.well-known/jwks.json`, AUDIENCE: 'another-api' });
      try {
        expectRefusal(await call(`${other.url}/me`, { token: await devToken({}) }), 401, 'audience_mismatch');
      } finally {
        await other.app.close();
      }
    });
  });
});

describe('sample configuration', () => {
  it('runs the dev issuer on loopback port 3000 with no environment', () => {
    expect(readSampleConfig({})).toEqual({ mode: 'dev-issuer', port: 3000, host: '127.0.0.1', sessions: 'server' });
  });

  it('needs a key source with ISSUER, and ISSUER with any provider setting', () => {
    expect(() => readSampleConfig({ ISSUER: 'https://idp.example' })).toThrow(SampleConfigError);
    expect(() => readSampleConfig({ ISSUER: 'https://idp.example' })).toThrow(/JWKS_URI.*DISCOVERY=true/);
    expect(() => readSampleConfig({ JWKS_URI: 'https://idp.example/jwks' })).toThrow(/need ISSUER/);
    expect(() => readSampleConfig({ PORT: 'eighty' })).toThrow(/PORT/);
  });

  it('reads discovery and a comma-separated audience', () => {
    expect(readSampleConfig({ ISSUER: 'https://idp.example', DISCOVERY: 'true', AUDIENCE: 'api, web', PORT: '8080' })).toEqual({
      mode: 'provider',
      issuer: 'https://idp.example',
      discovery: true,
      audience: ['api', 'web'],
      port: 8080,
      host: '127.0.0.1',
    });
  });
});
