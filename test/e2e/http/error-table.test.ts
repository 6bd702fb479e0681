import { Controller, Get } from '@nestjs/common';
import { claimEquals, mfa, Permissions, RequireClaims, RequireTenant, Roles } from '../../../lib/index.js';
import { call, type TestApp } from '../../support/app.js';
import { HTTP_ADAPTERS, onAdapter } from './on-adapter.js';
import { JwksServer } from '../../support/jwks-server.js';
import { craftToken, ISSUER, makeKey, signSession, type TestKey } from '../../support/keys.js';
import { expectRefusal } from '../../support/refusal.js';

const REALM = 'orders-api';
const AUDIENCE = 'orders';
const MFA_ACR = 'http://schemas.openid.net/pape/policies/2007/06/multi-factor';

@Controller()
class TableController {
  @Get('me') me() { return { ok: true }; }
  @Roles('admin') @Get('admin') admin() { return { ok: true }; }
  @Permissions('orders:write') @Get('write') write() { return { ok: true }; }
  @RequireTenant() @Get('scoped') scoped() { return { ok: true }; }
  @RequireTenant() @Roles('admin') @Get('tenant-admin') tenantAdmin() { return { ok: true }; }
  @RequireClaims(mfa()) @Get('mfa') mfa() { return { ok: true }; }
  @RequireClaims(claimEquals('plan', 'pro')) @Get('pro') pro() { return { ok: true }; }
}

/**
 * Every row of the contract's error table that the foundation produces, with `realm` set:
 * status, body `{ statusCode, error, message, reason }`, and the RFC 6750 challenge.
 */
describe.each(HTTP_ADAPTERS)('the error table over HTTP (%s), with a realm', (adapter) => {
  const { startApp } = onAdapter(adapter);
  let key: TestKey;
  let stranger: TestKey;
  let app: TestApp;
  let keysDown: TestApp;
  let deadJwks: JwksServer;
  const now = () => Math.floor(Date.now() / 1000);
  const sign = (claims: object = {}, options: { key?: TestKey; header?: Record<string, unknown>; expiresIn?: number | null } = {}) =>
    signSession({ aud: AUDIENCE, ...claims }, { key: key, ...options });

  beforeAll(async () => {
    [key, stranger] = await Promise.all([makeKey('ES256', 'table-key'), makeKey('ES256', 'stranger')]);
    deadJwks = await new JwksServer().start();
    deadJwks.handler = (_req, res) => res.writeHead(503).end();
    [app, keysDown] = await Promise.all([
      startApp({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [key.publicJwk] }, realm: REALM, stepUp: { mfaAcr: MFA_ACR } }, [TableController]),
      startApp({ issuer: ISSUER, audience: AUDIENCE, jwksUri: deadJwks.url, realm: REALM }, [TableController]),
    ]);
  });
  afterAll(async () => {
    await Promise.all([app.close(), keysDown.close()]);
    await deadJwks.stop();
  });

  type Row = [reason: string, status: 401 | 403 | 503, request: () => Promise<{ path: string; token?: string; headers?: Record<string, string> }>];
  const rows: Row[] = [
    ['token_missing', 401, async () => ({ path: '/me' })],
    ['token_malformed', 401, async () => ({ path: '/me', token: 'not.a.jwt!' })],
    ['token_expired', 401, async () => ({ path: '/me', token: await sign({ exp: now() - 120 }) })],
    ['token_not_yet_valid', 401, async () => ({ path: '/me', token: await sign({ nbf: now() + 3600 }) })],
    ['signature_invalid', 401, async () => ({ path: '/me', token: await sign({}, { key: { ...stranger, kid: key.kid } }) })],
    ['algorithm_not_allowed', 401, async () => ({ path: '/me', token: craftToken({ alg: 'none' }, { iss: ISSUER, aud: AUDIENCE, sub: 'U1', exp: now() + 60 }) })],
    ['issuer_mismatch', 401, async () => ({ path: '/me', token: await sign({ iss: 'https://evil.example' }) })],
    ['audience_mismatch', 401, async () => ({ path: '/me', token: await sign({ aud: 'payments' }) })],
    ['key_not_found', 401, async () => ({ path: '/me', token: await sign({}, { key: stranger }) })],
    ['claim_invalid', 401, async () => ({ path: '/me', token: await sign({}, { expiresIn: null }) })],
    ['missing_roles', 403, async () => ({ path: '/admin', token: await sign({ roles: ['user'] }) })],
    ['missing_permissions', 403, async () => ({ path: '/write', token: await sign({ permissions: ['orders:read'] }) })],
    ['tenant_not_member', 403, async () => ({ path: '/me', token: await sign({ tenants: { t1: {} } }), headers: { 'x-tenant-id': 't2' } })],
    ['tenant_required', 403, async () => ({ path: '/scoped', token: await sign() })],
    ['claims_failed', 403, async () => ({ path: '/pro', token: await sign({ plan: 'free' }) })],
    ['insufficient_user_authentication', 401, async () => ({ path: '/mfa', token: await sign({ amr: ['pwd'] }) })],
  ];

  it.each(rows)('%s is %d with its challenge', async (reason, status, request) => {
    const { path, token, headers } = await request();
    const answer = await call(`${app.url}${path}`, { ...(token !== undefined && { token }), ...(headers && { headers }) });
    expectRefusal(answer, status, reason, {
      realm: REALM,
      secrets: [...(token && token.length > 20 ? [token] : []), key.publicJwk.x!, key.publicJwk.y!],
      ...(reason === 'claims_failed' && { failedValidators: ['claimEquals(plan)'] }),
      ...(reason === 'insufficient_user_authentication' && { failedValidators: ['mfa'], acrValues: MFA_ACR }),
    });
  });

  it('keys_unavailable is 503 without a challenge', async () => {
    const token = await sign();
    expectRefusal(await call(`${keysDown.url}/me`, { token }), 503, 'keys_unavailable', { realm: REALM, secrets: [token] });
  });

  it('a challenge stays a valid quoted-string when the message names a tenant with quotes and backslashes', async () => {
    const tenantId = 'acme "west" \\ branch';
    const token = await sign({ tenants: { [tenantId]: { roles: ['user'] } } });
    const answer = await call(`${app.url}/tenant-admin`, { headers: { 'x-tenant-id': tenantId }, token });
    // expectRefusal checks error_description against "[^"\\]*": no quote or backslash inside.
    expectRefusal(answer, 403, 'missing_roles', { realm: REALM });
    expect(answer.headers.get('www-authenticate')).toContain('west');
  });

  it('without a realm, the challenge has none', async () => {
    const plain = await startApp({ issuer: ISSUER, jwks: { keys: [key.publicJwk] } }, [TableController]);
    try {
      expectRefusal(await call(`${plain.url}/me`), 401, 'token_missing');
      expectRefusal(await call(`${plain.url}/me`, { token: 'x.y.z' }), 401, 'token_malformed');
      expectRefusal(await call(`${plain.url}/admin`, { token: await sign() }), 403, 'missing_roles');
    } finally {
      await plain.close();
    }
  });
});
