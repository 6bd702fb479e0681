import { Controller, Delete, Get, HttpCode, Patch, Post, Put } from '@nestjs/common';
import { CurrentSession, type SessionModuleOptions } from '../../lib/index.js';
import { call, HTTP_ADAPTERS, startApp, type TestApp } from '../support/app.js';
import { ISSUER, makeKey, signSession, type TestKey } from '../support/keys.js';
import { expectRefusal } from '../support/refusal.js';

@Controller('account')
class AccountController {
  @Get()
  read(@CurrentSession('userId') userId: string) {
    return { userId };
  }

  @Post()
  @HttpCode(200)
  create(@CurrentSession('userId') userId: string) {
    return { userId };
  }

  @Put()
  replace(@CurrentSession('userId') userId: string) {
    return { userId };
  }

  @Patch()
  update(@CurrentSession('userId') userId: string) {
    return { userId };
  }

  @Delete()
  remove(@CurrentSession('userId') userId: string) {
    return { userId };
  }
}

describe.each(HTTP_ADAPTERS)('CSRF check of cookie sessions (%s)', (adapter) => {
  let key: TestKey;
  let token: string;
  const apps: TestApp[] = [];

  async function app(extra: Partial<SessionModuleOptions> = {}): Promise<TestApp> {
    const api = await startApp({ issuer: ISSUER, jwks: { keys: [key.publicJwk] }, ...extra }, [AccountController], [], adapter);
    apps.push(api);
    return api;
  }

  function cookie(headers: Record<string, string> = {}): Record<string, string> {
    return { cookie: `theme=dark; DS=${token}`, ...headers };
  }

  beforeAll(async () => {
    key = await makeKey('ES256');
    token = await signSession({}, { key });
  });

  afterAll(async () => {
    await Promise.all(apps.map((api) => api.close()));
  });

  it.each(['POST', 'PUT', 'PATCH', 'DELETE'])('refuses %s with the session cookie from no known origin: 403 csrf_failed', async (method) => {
    const api = await app();
    expectRefusal(await call(`${api.url}/account`, { method, headers: cookie() }), 403, 'csrf_failed', { secrets: [token] });
    expectRefusal(await call(`${api.url}/account`, { method, headers: cookie({ origin: 'https://evil.example' }) }), 403, 'csrf_failed');
    expectRefusal(await call(`${api.url}/account`, { method, headers: cookie({ origin: 'null' }) }), 403, 'csrf_failed');
    expectRefusal(await call(`${api.url}/account`, { method, headers: cookie({ referer: 'https://evil.example/page' }) }), 403, 'csrf_failed');
  });

  it("accepts the app's own origin (Origin, else Referer), or the anti-CSRF header", async () => {
    const api = await app();
    const own = new URL(api.url).origin;
    expect((await call(`${api.url}/account`, { method: 'POST', headers: cookie({ origin: own }) })).body).toEqual({ userId: 'U1' });
    expect((await call(`${api.url}/account`, { method: 'DELETE', headers: cookie({ referer: `${own}/settings` }) })).status).toBe(200);
    expect((await call(`${api.url}/account`, { method: 'PUT', headers: cookie({ 'x-requested-with': 'XMLHttpRequest' }) })).status).toBe(200);
  });

  it('leaves safe methods and Authorization headers alone', async () => {
    const api = await app();
    expect((await call(`${api.url}/account`, { headers: cookie({ origin: 'https://evil.example' }) })).status).toBe(200);
    expect((await call(`${api.url}/account`, { method: 'POST', token, headers: { origin: 'https://evil.example' } })).status).toBe(200);
  });

  it('takes configured origins and header name; csrf: false turns the check off', async () => {
    const api = await app({ csrf: { allowedOrigins: ['https://app.example.test'], header: 'x-csrf' } });
    expect((await call(`${api.url}/account`, { method: 'POST', headers: cookie({ origin: 'https://app.example.test' }) })).status).toBe(200);
    expect((await call(`${api.url}/account`, { method: 'POST', headers: cookie({ 'x-csrf': '1' }) })).status).toBe(200);
    expectRefusal(await call(`${api.url}/account`, { method: 'POST', headers: cookie({ 'x-requested-with': 'XMLHttpRequest' }) }), 403, 'csrf_failed');
    expectRefusal(await call(`${api.url}/account`, { method: 'POST', headers: cookie({ origin: 'https://app.example.test.evil.example' }) }), 403, 'csrf_failed');

    const off = await app({ csrf: false });
    expect((await call(`${off.url}/account`, { method: 'POST', headers: cookie({ origin: 'https://evil.example' }) })).status).toBe(200);
  });
});
