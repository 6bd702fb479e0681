import { Body, Controller, Get, Post } from '@nestjs/common';
import { createPublicKey } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { SignJWT, type JWK, type JWTPayload } from 'jose';
import { Roles, SessionConfigError, SessionModule } from '../../../lib/index.js';
import type { HttpAnswer, TestApp } from '../../support/app.js';
import { call } from '../../support/app.js';
import { ISSUER, makeKey, signSession, standardClaims, type TestKey } from '../../support/keys.js';
import { LoopbackServer } from '../../support/loopback-server.js';
import { CapturingLogger } from '../../support/log-capture.js';
import { compileModule } from '../../support/nest-app.js';
import { expectRefusal } from '../../support/refusal.js';
import { segment } from '../../security/support/forge.js';
import { HTTP_ADAPTERS, onAdapter } from './on-adapter.js';

const AUDIENCE = 'api://hostile';

@Controller()
class TargetController {
  @Roles('admin') @Get('admin') admin() {
    return { admin: true };
  }
  @Post('items') create(@Body() body: unknown) {
    return { created: body ?? null };
  }
}

/** The Ed25519 identity point (y = 1, x = 0), little-endian: `[k]A` is the identity for every `k`. */
const IDENTITY = Buffer.concat([Buffer.from([1]), Buffer.alloc(31)]);

/** A token the identity key "verifies": R = identity, S = 0, so `[S]B = R + [k]A` for any payload. */
function forgedEd25519Token(payload: JWTPayload, kid?: string): string {
  const input = `${segment({ alg: 'EdDSA', ...(kid && { kid }) })}.${segment(payload)}`;
  return `${input}.${Buffer.concat([IDENTITY, Buffer.alloc(32)]).toString('base64url')}`;
}

/** One raw HTTP/1.1 request whose header lines are exactly `headers` (repeated names stay repeated). */
function rawGet(url: string, headers: [string, string][]): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'GET', setHost: true });
    const byName = new Map<string, string[]>();
    for (const [name, value] of headers) byName.set(name, [...(byName.get(name) ?? []), value]);
    // An array value is sent as one header line per member.
    for (const [name, values] of byName) req.setHeader(name, values.length === 1 ? values[0]! : values);
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') responseHeaders.set(name, value);
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON
        }
        resolve({ status: res.statusCode!, headers: responseHeaders, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe.each(HTTP_ADAPTERS)('keys and requests an attacker controls (%s)', (adapter) => {
  const { startApp, startNestApp } = onAdapter(adapter);
  let key: TestKey;
  let provider: LoopbackServer;
  let kidless: JWK[] = [];
  const smallOrder: JWK = { kty: 'OKP', crv: 'Ed25519', x: IDENTITY.toString('base64url'), kid: 'small-order' };
  const admin = () => standardClaims({ aud: AUDIENCE, roles: ['admin'] });
  const apps: TestApp[] = [];
  const start = async (options: Parameters<typeof startApp>[0]) => {
    const app = await startApp({ issuer: ISSUER, audience: AUDIENCE, ...options }, [TargetController]);
    apps.push(app);
    return app;
  };

  beforeAll(async () => {
    key = await makeKey('ES256', 'legit');
    provider = await new LoopbackServer()
      .json('/jwks.json', { keys: [key.publicJwk, smallOrder] })
      .json('/kidless.json', () => ({ keys: kidless }))
      .start();
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await provider.stop();
  });

  describe('small-order Ed25519 public keys', () => {
    it('in a jwks option or served by jwksUri: a forged token (R = identity, S = 0) is refused, with or without kid', async () => {
      const local = await start({ jwks: { keys: [key.publicJwk, smallOrder] } });
      const remote = await start({ jwksUri: `${provider.origin}/jwks.json` });
      for (const app of [local, remote]) {
        expect((await call(`${app.url}/admin`, { token: await signSession({ aud: AUDIENCE, roles: ['admin'] }, { key }) })).status).toBe(200);
        for (const token of [forgedEd25519Token(admin(), 'small-order'), forgedEd25519Token(admin())]) {
          expectRefusal(await call(`${app.url}/admin`, { token }), 401, 'key_not_found', { secrets: [token] });
        }
      }
    });

    it('given as a PEM: start-up stops with SessionConfigError naming publicKey', async () => {
      const pem = createPublicKey({ key: smallOrder as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' }) as string;
      const startUp = compileModule({ imports: [SessionModule.forRoot({ issuer: ISSUER, publicKey: pem })] });
      await expect(startUp).rejects.toThrow(SessionConfigError);
      await expect(compileModule({ imports: [SessionModule.forRoot({ issuer: ISSUER, publicKey: pem })] })).rejects.toThrow(/"publicKey".*small order/);
    });
  });

  describe('a cookie session is a cookie session however its value is encoded', () => {
    it('POST with a percent-encoded DS cookie and a foreign Origin is 403 csrf_failed', async () => {
      const app = await start({ jwks: { keys: [key.publicJwk] } });
      const token = await signSession({ aud: AUDIENCE }, { key });
      const encodings = [`%${token.charCodeAt(0).toString(16)}${token.slice(1)}`, encodeURIComponent(token).replace(/\./g, '%2E'), `"${token}"`];
      for (const value of encodings) {
        const answer = await call(`${app.url}/items`, { method: 'POST', headers: { cookie: `DS=${value}`, origin: 'https://evil.example' } });
        expect({ value: value.slice(0, 12), status: answer.status, reason: answer.body?.reason }).toEqual({ value: value.slice(0, 12), status: 403, reason: 'csrf_failed' });
      }
      // The same cookie from the app's own origin passes.
      const own = await call(`${app.url}/items`, { method: 'POST', headers: { cookie: `DS=${encodings[0]}`, origin: app.url } });
      expect(own.status).toBe(201);
    });
  });

  describe('ambiguous credentials are refused, never first-wins', () => {
    let app: TestApp;
    let good: string;
    let other: string;
    beforeAll(async () => {
      app = await start({ jwks: { keys: [key.publicJwk] } });
      good = await signSession({ aud: AUDIENCE, roles: ['admin'] }, { key });
      other = await signSession({ aud: AUDIENCE, sub: 'someone-else' }, { key });
    });

    it('two Authorization headers: 401 token_malformed naming the header', async () => {
      for (const second of [`Bearer ${other}`, `Bearer ${good}`, 'Basic dXNlcjpwYXNz']) {
        const answer = await rawGet(`${app.url}/admin`, [['authorization', `Bearer ${good}`], ['authorization', second]]);
        expectRefusal(answer, 401, 'token_malformed', { secrets: [good, other] });
        expect(answer.body.message).toMatch(/Authorization/);
      }
      expect((await rawGet(`${app.url}/admin`, [['authorization', `Bearer ${good}`]])).status).toBe(200);
    });

    it('two DS cookies with different values: 401 token_malformed; the same value twice is one session', async () => {
      const answer = await rawGet(`${app.url}/admin`, [['cookie', `DS=${good}; DS=${other}`]]);
      expectRefusal(answer, 401, 'token_malformed', { secrets: [good, other] });
      expect(answer.body.message).toMatch(/DS/);
      const split = await rawGet(`${app.url}/admin`, [['cookie', `DS=${good}`], ['cookie', `DS=${other}`]]);
      expectRefusal(split, 401, 'token_malformed', { secrets: [good, other] });
      expect((await rawGet(`${app.url}/admin`, [['cookie', `DS=${good}; DS=${good}`]])).status).toBe(200);
    });
  });

  describe('a token without kid', () => {
    it('against a set with more kid-less candidates than the cap: 401 key_not_found, without trying them all', async () => {
      const others = await Promise.all(Array.from({ length: 20 }, () => makeKey('ES256')));
      const keys = [...others.map((other) => ({ ...other.publicJwk, kid: undefined })), { ...key.publicJwk, kid: undefined }];
      kidless = keys;
      const token = await signSession({ aud: AUDIENCE, roles: ['admin'] }, { key, header: { kid: undefined } });
      for (const app of [await start({ jwks: { keys } }), await start({ jwksUri: `${provider.origin}/kidless.json` })]) {
        const answer = await call(`${app.url}/admin`, { token });
        expectRefusal(answer, 401, 'key_not_found', { secrets: [token] });
        expect(answer.body.message).toMatch(/no "kid" and more than \d+ keys/);
      }
      // A few kid-less keys are each tried.
      const few = await start({ jwks: { keys: keys.slice(-3) } });
      expect((await call(`${few.url}/admin`, { token })).status).toBe(200);
    });
  });

  describe('401 answers name the failed claim and the rule', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await start({ jwks: { keys: [key.publicJwk] }, tokenType: 'at+jwt' });
    });
    const at = { typ: 'at+jwt' };
    /** The same app with its logs captured, at every level. */
    const startLogged = async () => {
      const logger = new CapturingLogger();
      const logged = await startNestApp(
        { imports: [SessionModule.forRoot({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [key.publicJwk] }, tokenType: 'at+jwt' })], controllers: [TargetController] },
        { logger },
      );
      apps.push(logged);
      return { logger, logged };
    };

    it.each([
      ['typ JWT where at+jwt is configured', {}, { typ: 'JWT' }, '"typ" must be at+jwt'],
      ['no sub', { sub: undefined }, at, '"sub" is missing'],
      ['an empty sub', { sub: '' }, at, '"sub" must be a non-empty string'],
      ['exp a string', { exp: 'tomorrow' }, at, '"exp" must be a number'],
      ['no exp', { exp: undefined }, at, '"exp" is missing'],
      ['iat in the future', { iat: Math.floor(Date.now() / 1000) + 3600 }, at, '"iat" is in the future'],
    ] as const)('%s', async (_name, claims, header, message) => {
      const payload: Record<string, unknown> = { ...standardClaims({ aud: AUDIENCE }), ...claims };
      for (const name of Object.keys(payload)) if (payload[name] === undefined) delete payload[name];
      const token = await new SignJWT(payload as JWTPayload).setProtectedHeader({ alg: key.alg, kid: key.kid, ...header }).sign(key.privateKey);
      const answer = await call(`${app.url}/admin`, { token });
      expectRefusal(answer, 401, 'claim_invalid', { secrets: [token] });
      expect(answer.body.message).toBe(message);
      expect(answer.headers.get('www-authenticate')).toContain(`error_description="${message.replace(/"/g, '')}"`);
    });

    it("the guard's debug log says it too, without the token", async () => {
      const { logger, logged } = await startLogged();
      const token = await signSession({ aud: AUDIENCE }, { key, header: { typ: 'JWT' } });
      expect((await call(`${logged.url}/admin`, { token })).status).toBe(401);
      const debug = logger.at('debug').map((entry) => entry.message);
      expect(debug).toContainEqual(expect.stringMatching(/Refused GET \/admin: claim_invalid \("typ" must be at\+jwt\)/));
      expect(JSON.stringify(logger.entries)).not.toContain(token);
    });

    it('a token the provider signed that disagrees with the options: one warning per rule; a forged one: none', async () => {
      const { logger, logged } = await startLogged();
      const attacker = await makeKey('ES256', key.kid);
      const tokens = [
        await signSession({ aud: AUDIENCE }, { key, header: { typ: 'JWT' } }),
        await signSession({ aud: AUDIENCE, sub: 'other' }, { key, header: { typ: 'JWT' } }),
        await signSession({ aud: 'api://another-app' }, { key, header: { typ: 'at+jwt' } }),
        await signSession({ aud: AUDIENCE }, { key: attacker, header: { typ: 'JWT' } }),
        await signSession({ aud: 'api://forged' }, { key: attacker, header: { typ: 'at+jwt' } }),
      ];
      for (const token of tokens) expect((await call(`${logged.url}/admin`, { token })).status).toBe(401);
      const warnings = logger.at('warn').map((entry) => entry.message);
      expect(warnings).toEqual([
        expect.stringMatching(/^A token signed by the keys of issuer P2testproject was refused \(claim_invalid\): "typ" must be at\+jwt\. .*tokenType/),
        expect.stringMatching(/refused \(audience_mismatch\): "aud" names no accepted audience/),
      ]);
      for (const token of tokens) expect(JSON.stringify(logger.entries)).not.toContain(token);
    });
  });
});
