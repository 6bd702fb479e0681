import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { AppModule } from '../../sample/app.module.js';
import { readSampleConfig } from '../../sample/config/sample-config.js';
import { CookieJar, freePort } from '../support/code-flow.js';
import { submitPostForm } from '../support/relying-party.js';

const CHROMIUM = '/usr/bin/chromium';

async function startSample(sessions: 'server' | 'cookies'): Promise<{ app: INestApplication; origin: string }> {
  const port = await freePort();
  const app = await NestFactory.create(AppModule.forConfig(readSampleConfig({ PORT: String(port), SESSIONS: sessions })), { logger: false });
  await app.listen(port, '127.0.0.1');
  return { app, origin: `http://localhost:${port}` };
}

/**
 * The sample logs in through its dev issuer with the full code flow (PKCE, state, nonce):
 * server-side sessions by default, client-side cookies with SESSIONS=cookies.
 */
describe('sample: the code flow through the dev issuer', () => {
  describe('server-side sessions (default), in Chromium', () => {
    let sample: { app: INestApplication; origin: string };
    let context: BrowserContext;
    let page: Page;
    const profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));

    beforeAll(async () => {
      sample = await startSample('server');
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
      page = await context.newPage();
    }, 60_000);

    afterAll(async () => {
      await context?.close();
      await sample?.app.close();
      rmSync(profile, { recursive: true, force: true });
    });

    it('signs in on the dev issuer\'s page, holds only an opaque cookie, and signs out through the issuer', async () => {
      await page.goto(`${sample.origin}/oidc/login`);
      await page.fill('input[name=sub]', 'U-browser');
      await page.click('button[type=submit]');
      await page.waitForURL(`${sample.origin}/me`);
      expect(JSON.parse((await page.textContent('body'))!)).toMatchObject({ userId: 'U-browser' });
      expect((await context.cookies(sample.origin)).map((cookie) => cookie.name)).toEqual(['__Host-session']);
      expect(await page.evaluate('document.cookie')).toBe('');

      await submitPostForm(page, '/oidc/logout');
      await page.waitForURL(`${sample.origin}/welcome`);
      expect(JSON.parse((await page.textContent('body'))!)).toMatchObject({ signedIn: false });
      expect(await context.cookies(sample.origin)).toEqual([]);
    });
  });

  it('SESSIONS=cookies: the same login sets the DS and DSR cookies instead', async () => {
    const sample = await startSample('cookies');
    try {
      const jar = new CookieJar();
      const begin = await fetch(`${sample.origin}/oidc/login`, { redirect: 'manual' });
      jar.take(begin);
      const form = new URL(begin.headers.get('location')!);
      const signIn = await fetch(new URL('/oauth/authorize', form), {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...Object.fromEntries(form.searchParams), sub: 'U-cookies' }),
      });
      const done = await fetch(signIn.headers.get('location')!, { redirect: 'manual', headers: { cookie: jar.header } });
      expect(done.status).toBe(303);
      jar.take(done);
      expect(jar.get('DS')).toMatch(/^eyJ/);
      expect(jar.get('__Host-session')).toBeUndefined();
      const me = await fetch(`${sample.origin}/me`, { headers: { cookie: jar.header } });
      expect(await me.json()).toMatchObject({ userId: 'U-cookies' });
    } finally {
      await sample.app.close();
    }
  });
});
