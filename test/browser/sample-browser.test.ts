import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { AppModule } from '../../sample/app.module.js';
import { readSampleConfig } from '../../sample/config/sample-config.js';
import { waitFor } from '../support/wait-for.js';

const CHROMIUM = '/usr/bin/chromium';

interface PageAnswer {
  status: number;
  body: unknown;
}

/**
 * The sample in Debian's Chromium (playwright-core): log in, let the session token expire, see
 * the next request succeed through automatic refresh; page scripts never see the cookies.
 */
describe('sample app in a browser: cookie session with automatic refresh', () => {
  let app: INestApplication;
  let origin: string;
  let context: BrowserContext;
  let page: Page;
  const profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));

  /** A request made by the page itself, as the app's own front end would (same origin, cookies attached by the browser). */
  function pageFetch(path: string, method = 'GET', body?: unknown): Promise<PageAnswer> {
    return page.evaluate(
      async ({ path, method, body }) => {
        const response = await fetch(path, {
          method,
          headers: body === undefined ? {} : { 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await response.text();
        return { status: response.status, body: text ? JSON.parse(text) : null };
      },
      { path, method, body },
    );
  }

  async function browserCookies(): Promise<Map<string, { value: string; httpOnly: boolean; secure: boolean; sameSite: string; path: string; expires: number }>> {
    return new Map((await context.cookies(origin)).map((cookie) => [cookie.name, cookie]));
  }

  beforeAll(async () => {
    app = await NestFactory.create(AppModule.forConfig(readSampleConfig({})), { logger: false });
    await app.listen(0, '127.0.0.1');
    origin = (await app.getUrl()).replace('//127.0.0.1:', '//localhost:');
    // A fresh profile directory (--user-data-dir) for every run.
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await context.newPage();
    await page.goto(`${origin}/health`);
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await app?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  it('logs in, survives the session token expiring, and never shows the cookies to page scripts', async () => {
    const login = await pageFetch('/auth/login', 'POST', { sub: 'U-browser', ttl: 2 });
    expect(login).toMatchObject({ status: 200, body: { userId: 'U-browser' } });

    const cookies = await browserCookies();
    for (const name of ['DS', 'DSR']) {
      expect(cookies.get(name)).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
    }
    expect(await page.evaluate('document.cookie')).toBe('');
    const firstSession = cookies.get('DS')!.value;
    const firstRefresh = cookies.get('DSR')!.value;

    expect(await pageFetch('/me')).toMatchObject({ status: 200, body: { userId: 'U-browser' } });

    // The browser drops DS when its Max-Age runs out: the token has expired.
    await waitFor(async () => !(await browserCookies()).has('DS'), 10_000, 100);

    // The new cookies are read from the response that set them: the refreshed session token lives
    // 2 s as well, so on a busy machine the browser may already have dropped it again.
    const [response, after] = await Promise.all([page.waitForResponse((candidate) => new URL(candidate.url()).pathname === '/me'), pageFetch('/me')]);
    expect(after).toMatchObject({ status: 200, body: { userId: 'U-browser' } });
    const setCookies = (await response.headersArray()).filter(({ name }) => name.toLowerCase() === 'set-cookie').map(({ value }) => value);
    const cookieValue = (name: string) => setCookies.find((line) => line.startsWith(`${name}=`))?.split(';')[0]!.slice(name.length + 1);
    expect(cookieValue('DS')).toEqual(expect.any(String));
    expect(cookieValue('DS')).not.toBe(firstSession);
    expect(cookieValue('DSR')).toEqual(expect.any(String));
    expect(cookieValue('DSR')).not.toBe(firstRefresh);
    for (const name of ['DS', 'DSR']) {
      const line = setCookies.find((candidate) => candidate.startsWith(`${name}=`))!;
      expect(line).toMatch(/;\s*HttpOnly/i);
      expect(line).toMatch(/;\s*Secure/i);
      expect(line).toMatch(/;\s*SameSite=Strict/i);
    }
    // The browser took the new refresh cookie (it outlives the session token), and page scripts see none.
    expect((await browserCookies()).get('DSR')?.value).toBe(cookieValue('DSR'));
    expect(await page.evaluate('document.cookie')).toBe('');

    // Logout ends the session (a same-origin POST passes the CSRF check) and clears the cookies.
    expect((await pageFetch('/auth/logout', 'POST')).status).toBe(204);
    expect((await browserCookies()).has('DS')).toBe(false);
    expect((await browserCookies()).has('DSR')).toBe(false);
    expect(await pageFetch('/me')).toMatchObject({ status: 401, body: { reason: 'token_missing' } });
  });
});
