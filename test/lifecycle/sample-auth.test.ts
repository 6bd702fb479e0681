import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../../sample/app.module.js';
import { readSampleConfig } from '../../sample/config/sample-config.js';
import { call, type HttpAnswer } from '../support/app.js';

/** The cookies an answer sets, by name (value and attributes as sent). */
function setCookies(answer: HttpAnswer): Map<string, string> {
  return new Map(answer.headers.getSetCookie().map((line) => [line.slice(0, line.indexOf('=')), line] as const));
}

function value(line: string | undefined): string {
  return decodeURIComponent(line!.slice(line!.indexOf('=') + 1, line!.indexOf(';')));
}

/** The sample's login, refresh and logout routes over HTTP (dev-issuer mode); the browser test drives the same flow in Chromium. */
describe('sample app: login, refresh and logout routes', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    app = await NestFactory.create(AppModule.forConfig(readSampleConfig({})), { logger: false });
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  });

  afterAll(() => app.close());

  async function login(): Promise<{ ds: string; dsr: string }> {
    const answer = await call(`${url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sub: 'U-web', roles: ['admin'] }) });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ userId: 'U-web', expiresAt: expect.any(String) });
    const cookies = setCookies(answer);
    expect(cookies.get('DS')).toMatch(/; Path=\/; Max-Age=3\d{3}; HttpOnly; Secure; SameSite=Strict$/);
    expect(cookies.get('DSR')).toMatch(/; HttpOnly; Secure; SameSite=Strict$/);
    return { ds: value(cookies.get('DS')), dsr: value(cookies.get('DSR')) };
  }

  it('login sets the cookies the guard accepts; /auth/refresh rotates them, and the rotated refresh token works in turn', async () => {
    const { ds, dsr } = await login();
    expect((await call(`${url}/me`, { headers: { cookie: `DS=${ds}` } })).body).toMatchObject({ userId: 'U-web', roles: ['admin'] });

    const refreshed = await call(`${url}/auth/refresh`, { method: 'POST', headers: { cookie: `DSR=${dsr}` } });
    expect(refreshed.status).toBe(200);
    const cookies = setCookies(refreshed);
    const newDsr = value(cookies.get('DSR'));
    expect(newDsr).not.toBe(dsr);
    expect((await call(`${url}/me`, { headers: { cookie: `DS=${value(cookies.get('DS'))}` } })).body).toMatchObject({ userId: 'U-web' });

    const again = await call(`${url}/auth/refresh`, { method: 'POST', headers: { cookie: `DSR=${newDsr}` } });
    expect(again.status).toBe(200);
    expect(value(setCookies(again).get('DSR'))).not.toBe(newDsr);
  });

  it('logout needs the CSRF proof for a cookie session, then ends the session and revokes the refresh token at the issuer', async () => {
    const { ds, dsr } = await login();
    const cookie = `DS=${ds}; DSR=${dsr}`;
    const forged = await call(`${url}/auth/logout`, { method: 'POST', headers: { cookie, origin: 'https://evil.example' } });
    expect(forged.status).toBe(403);
    expect(forged.body.reason).toBe('csrf_failed');

    const answer = await call(`${url}/auth/logout`, { method: 'POST', headers: { cookie, origin: new URL(url).origin } });
    expect(answer.status).toBe(204);
    expect(setCookies(answer).get('DS')).toMatch(/Max-Age=0/);
    expect(setCookies(answer).get('DSR')).toMatch(/Max-Age=0/);

    const after = await call(`${url}/me`, { headers: { cookie: `DS=${ds}` } });
    expect({ status: after.status, reason: after.body.reason }).toEqual({ status: 401, reason: 'token_revoked' });
    const refresh = await call(`${url}/auth/refresh`, { method: 'POST', headers: { cookie: `DSR=${dsr}` } });
    expect({ status: refresh.status, reason: refresh.body.reason }).toEqual({ status: 401, reason: 'refresh_failed' });
  });
});
