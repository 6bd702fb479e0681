import { Controller, Get } from '@nestjs/common';
import { mfa, RequireClaims, RequireTenant, Roles, SessionModule } from '../../../lib/index.js';
import { call, type TestApp } from '../../support/app.js';
import { HTTP_ADAPTERS, onAdapter } from './on-adapter.js';
import { ISSUER, makeKey, signSession, type TestKey } from '../../support/keys.js';
import { CapturingLogger } from '../../support/log-capture.js';

@Controller()
class LoggedController {
  @Get('me') me() { return { ok: true }; }
  @Roles('admin') @Get('admin') admin() { return { ok: true }; }
  @RequireTenant() @Get('scoped') scoped() { return { ok: true }; }
  @RequireClaims(mfa()) @Get('mfa') mfa() { return { ok: true }; }
}

describe.each(HTTP_ADAPTERS)('rejection logging (%s)', (adapter) => {
  const { startNestApp } = onAdapter(adapter);
  let key: TestKey;
  let other: TestKey;
  let app: TestApp;
  const logger = new CapturingLogger();
  const tokens: string[] = [];

  beforeAll(async () => {
    [key, other] = await Promise.all([makeKey('ES256'), makeKey('ES256')]);
    app = await startNestApp(
      { imports: [SessionModule.forRoot({ issuer: ISSUER, jwks: { keys: [key.publicJwk] } })], controllers: [LoggedController] },
      { logger },
    );
  });
  afterAll(() => app.close());

  it('logs each refusal at debug level with its reason, never at error or warn, never with the token', async () => {
    const sign = async (claims: Record<string, unknown>, signer = key, expiresIn = 300) => {
      const token = await signSession(claims, { key: signer, expiresIn });
      tokens.push(token);
      return token;
    };
    const startIndex = logger.entries.length;
    const refusals: Array<[string, string | undefined, Record<string, string>, number, string]> = [
      ['/me', undefined, {}, 401, 'token_missing'],
      ['/me', 'garbage', {}, 401, 'token_malformed'],
      ['/me', await sign({}, key, -3600), {}, 401, 'token_expired'],
      ['/me', await sign({}, other), {}, 401, 'signature_invalid'],
      ['/admin', await sign({ roles: ['user'] }), {}, 403, 'missing_roles'],
      ['/me', await sign({ tenants: { t1: {} } }), { 'x-tenant-id': 't9' }, 403, 'tenant_not_member'],
      ['/scoped', await sign({}), {}, 403, 'tenant_required'],
      ['/mfa', await sign({ amr: ['pwd'] }), {}, 401, 'insufficient_user_authentication'],
    ];
    for (const [path, token, headers, status, reason] of refusals) {
      const answer = await call(`${app.url}${path}`, { ...(token !== undefined && { token }), headers });
      expect({ path, status: answer.status, reason: answer.body.reason }).toEqual({ path, status, reason });
    }

    const written = logger.entries.slice(startIndex);
    expect(written.filter((entry) => ['error', 'warn', 'fatal'].includes(entry.level))).toEqual([]);
    const debug = written.filter((entry) => entry.level === 'debug');
    for (const [, , , , reason] of refusals) {
      expect(debug.some((entry) => entry.message.includes(reason))).toBe(true);
    }
    const everything = JSON.stringify(logger.entries);
    for (const token of tokens) expect(everything).not.toContain(token);
  });

  it('an accepted request logs nothing above debug', async () => {
    const startIndex = logger.entries.length;
    expect((await call(`${app.url}/me`, { token: await signSession({}, { key }) })).status).toBe(200);
    expect(logger.entries.slice(startIndex).filter((entry) => !['debug', 'verbose'].includes(entry.level))).toEqual([]);
  });
});
