import { Controller, Get } from '@nestjs/common';
import { CurrentSession, Public, Roles, type Session } from '../../../lib/index.js';
import { call, type TestApp } from '../../support/app.js';
import { HTTP_ADAPTERS, onAdapter } from './on-adapter.js';
import { ISSUER, makeKey, signSession, type TestKey } from '../../support/keys.js';

@Controller()
class SmokeController {
  @Public() @Get('open') open() { return { ok: true }; }
  @Get('me') me(@CurrentSession() session: Session) { return { userId: session.userId, roles: session.roles }; }
  @Roles('admin') @Get('admin') admin() { return { admin: true }; }
}

describe.each(HTTP_ADAPTERS)('smoke over HTTP (%s)', (adapter) => {
  const { startApp } = onAdapter(adapter);
  let key: TestKey;
  let app: TestApp;
  beforeAll(async () => {
    key = await makeKey('ES256');
    app = await startApp({ issuer: ISSUER, jwks: { keys: [key.publicJwk] } }, [SmokeController]);
  });
  afterAll(() => app.close());

  it('runs on the platform it names', () => {
    expect(app.app.getHttpAdapter().getType()).toBe(adapter);
  });

  it('serves public routes, guards others', async () => {
    expect((await call(`${app.url}/open`)).status).toBe(200);
    const missing = await call(`${app.url}/me`);
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.any(String), reason: 'token_missing' });
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    const token = await signSession({ roles: ['user'] }, { key });
    const me = await call(`${app.url}/me`, { token });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ userId: 'U1', roles: ['user'] });
    const admin = await call(`${app.url}/admin`, { token });
    expect(admin.status).toBe(403);
    expect(admin.body.reason).toBe('missing_roles');
  });
});
