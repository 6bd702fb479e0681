import { Controller, Get } from '@nestjs/common';
import { SignJWT } from 'jose';
import { CurrentSession } from '../../../lib/index.js';
import { call, type TestApp } from '../../support/app.js';
import { HTTP_ADAPTERS, onAdapter } from './on-adapter.js';
import { JwksServer } from '../../support/jwks-server.js';
import { craftToken, ISSUER, makeKey, signSession, standardClaims, type TestKey } from '../../support/keys.js';
import { LoopbackServer } from '../../support/loopback-server.js';
import { expectRefusal } from '../../support/refusal.js';

@Controller()
class WhoAmIController {
  @Get('me') me(@CurrentSession('userId') userId: string) { return { userId }; }
}

/** Distinct subjects, so that no two requests carry the same token (a session cache cannot answer for the keys). */
let serial = 0;
const nextSub = () => `U-${++serial}`;

describe.each(HTTP_ADAPTERS)('key sources over HTTP (%s)', (adapter) => {
  const { startApp } = onAdapter(adapter);
  let a: TestKey;
  let b: TestKey;
  let other: TestKey;
  const me = (app: TestApp, token?: string) => call(`${app.url}/me`, token === undefined ? {} : { token });
  const tokenWith = (key: TestKey, claims = {}) => signSession({ sub: nextSub(), ...claims }, { key });

  beforeAll(async () => {
    [a, b, other] = await Promise.all([makeKey('ES256', 'key-a'), makeKey('ES256', 'key-b'), makeKey('RS256', 'key-other')]);
  });

  describe('jwksUri', () => {
    let jwks: JwksServer;
    let app: TestApp;
    beforeAll(async () => {
      jwks = await new JwksServer().start();
      jwks.keys = [a.publicJwk];
      app = await startApp({ issuer: ISSUER, jwksUri: jwks.url }, [WhoAmIController]);
    });
    afterAll(async () => {
      await app.close();
      await jwks.stop();
    });

    it('concurrent first requests share one fetch, even with a kid the set lacks', async () => {
      const unknown = { ...b, kid: 'not-published' };
      const answers = await Promise.all(Array.from({ length: 20 }, async () => me(app, await tokenWith(unknown))));
      for (const answer of answers) expectRefusal(answer, 401, 'key_not_found');
      expect(jwks.hits).toBe(1);
    });

    it('keeps the fetched keys: many requests, no more fetches', async () => {
      const answers = await Promise.all(Array.from({ length: 20 }, async () => me(app, await tokenWith(a))));
      expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
      expect(jwks.hits).toBe(1);
    });

    it('an unknown kid within the cooldown causes no fetch', async () => {
      const answers = await Promise.all(Array.from({ length: 10 }, async () => me(app, await tokenWith({ ...b, kid: 'still-unknown' }))));
      for (const answer of answers) expectRefusal(answer, 401, 'key_not_found');
      expect(jwks.hits).toBe(1);
    });

    it('keeps serving from cached keys while the endpoint is down', async () => {
      jwks.handler = (_req, res) => res.writeHead(500).end();
      try {
        expect((await me(app, await tokenWith(a))).status).toBe(200);
      } finally {
        jwks.handler = undefined;
      }
    });
  });

  describe('jwksUri key rotation', () => {
    let jwks: JwksServer;
    let app: TestApp;
    beforeAll(async () => {
      jwks = await new JwksServer().start();
      jwks.keys = [a.publicJwk];
      // No cooldown: the first unknown kid refetches at once.
      app = await startApp({ issuer: ISSUER, jwksUri: jwks.url, jwksCooldownMs: 0 }, [WhoAmIController]);
    });
    afterAll(async () => {
      await app.close();
      await jwks.stop();
    });

    it('many concurrent requests with a new kid cause one refetch', async () => {
      expect((await me(app, await tokenWith(a))).status).toBe(200);
      expect(jwks.hits).toBe(1);
      jwks.keys = [a.publicJwk, b.publicJwk];
      const tokens = await Promise.all(Array.from({ length: 20 }, () => tokenWith(b)));
      const answers = await Promise.all(tokens.map((token) => me(app, token)));
      expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
      expect(jwks.hits).toBe(2);
    });
  });

  describe('jwksUri unreachable with nothing cached', () => {
    let failing: JwksServer;
    let closedUrl: string;
    let failingApp: TestApp;
    let closedApp: TestApp;
    beforeAll(async () => {
      failing = await new JwksServer().start();
      failing.keys = [a.publicJwk];
      failing.handler = (_req, res) => res.writeHead(500, { 'content-type': 'text/plain' }).end('down');
      const closed = await new JwksServer().start();
      closedUrl = closed.url;
      await closed.stop();
      [failingApp, closedApp] = await Promise.all([
        // No cooldown after a failure, so that recovery is seen at once.
        startApp({ issuer: ISSUER, jwksUri: failing.url, realm: 'keys-test', jwksCooldownMs: 0 }, [WhoAmIController]),
        startApp({ issuer: ISSUER, jwksUri: closedUrl }, [WhoAmIController]),
      ]);
    });
    afterAll(async () => {
      await Promise.all([failingApp.close(), closedApp.close()]);
      await failing.stop();
    });

    it('an endpoint answering 500 gives 503 keys_unavailable (never 401), without a challenge even with a realm', async () => {
      const answer = await me(failingApp, await tokenWith(a));
      expectRefusal(answer, 503, 'keys_unavailable', { realm: 'keys-test' });
      expect(failing.hits).toBeGreaterThanOrEqual(1);
    });

    it('an endpoint answering garbage gives 503 keys_unavailable', async () => {
      failing.handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys": "nope"');
      expectRefusal(await me(failingApp, await tokenWith(a)), 503, 'keys_unavailable', { realm: 'keys-test' });
    });

    it('a refused connection gives 503 keys_unavailable', async () => {
      expectRefusal(await me(closedApp, await tokenWith(a)), 503, 'keys_unavailable');
    });

    it('a request without a token is still 401 token_missing', async () => {
      expectRefusal(await me(closedApp), 401, 'token_missing');
    });

    it('recovers when the endpoint comes back, without a restart', async () => {
      failing.handler = undefined;
      expect((await me(failingApp, await tokenWith(a))).status).toBe(200);
    });
  });

  describe('publicKey (PEM)', () => {
    let app: TestApp;
    let rsPemOnly: TestApp;
    beforeAll(async () => {
      [app, rsPemOnly] = await Promise.all([
        startApp({ issuer: ISSUER, publicKey: [other.publicPem, a.publicPem] }, [WhoAmIController]),
        startApp({ issuer: ISSUER, publicKey: other.publicPem }, [WhoAmIController]),
      ]);
    });
    afterAll(() => Promise.all([app.close(), rsPemOnly.close()]));

    it('accepts tokens signed by any of the configured keys, whatever their kid', async () => {
      expect((await me(app, await tokenWith(other))).status).toBe(200);
      expect((await me(app, await tokenWith(a))).status).toBe(200);
      expect((await me(app, await tokenWith({ ...a, kid: 'anything' }))).status).toBe(200);
    });

    it('refuses a token signed by another key of the same type', async () => {
      expectRefusal(await me(app, await tokenWith(b)), 401, 'signature_invalid');
    });

    it('an RSA PEM does not verify an ES256 token', async () => {
      const answer = await me(rsPemOnly, await tokenWith(a));
      expect(answer.status).toBe(401);
      expect(['key_not_found', 'signature_invalid']).toContain(answer.body.reason);
      expectRefusal(answer, 401, answer.body.reason);
    });
  });

  describe('discovery: true', () => {
    let idp: LoopbackServer;
    let good: TestApp;
    let mismatched: TestApp;
    let missing: TestApp;
    beforeAll(async () => {
      idp = await new LoopbackServer().start();
      const origin = idp.origin;
      idp
        .json('/idp/.well-known/openid-configuration', { issuer: `${origin}/idp`, jwks_uri: `${origin}/idp/jwks`, token_endpoint: `${origin}/idp/token` })
        .json('/idp/jwks', { keys: [a.publicJwk] })
        .json('/bad/.well-known/openid-configuration', { issuer: 'https://evil.example/bad', jwks_uri: `${origin}/bad/jwks` })
        .json('/bad/jwks', { keys: [a.publicJwk] });
      [good, mismatched, missing] = await Promise.all([
        startApp({ issuer: `${origin}/idp`, discovery: true }, [WhoAmIController]),
        startApp({ issuer: `${origin}/bad`, discovery: true }, [WhoAmIController]),
        startApp({ issuer: `${origin}/nowhere`, discovery: true }, [WhoAmIController]),
      ]);
    });
    afterAll(async () => {
      await Promise.all([good.close(), mismatched.close(), missing.close()]);
      await idp.stop();
    });

    it('reads jwks_uri from the discovery document and verifies with its keys', async () => {
      const iss = `${idp.origin}/idp`;
      expect((await me(good, await tokenWith(a, { iss }))).status).toBe(200);
      expect((await me(good, await tokenWith(a, { iss }))).status).toBe(200);
      expect(idp.hits('/idp/.well-known/openid-configuration')).toBe(1);
      expect(idp.hits('/idp/jwks')).toBe(1);
      expectRefusal(await me(good, await tokenWith(b, { iss })), 401, 'key_not_found');
      expectRefusal(await me(good, await tokenWith(a)), 401, 'issuer_mismatch');
    });

    it('a document naming another issuer gives 503 keys_unavailable, and its jwks_uri is never fetched', async () => {
      expectRefusal(await me(mismatched, await tokenWith(a, { iss: `${idp.origin}/bad` })), 503, 'keys_unavailable');
      expect(idp.hits('/bad/.well-known/openid-configuration')).toBe(1);
      expect(idp.hits('/bad/jwks')).toBe(0);
    });

    it('no discovery document gives 503 keys_unavailable', async () => {
      expectRefusal(await me(missing, await tokenWith(a, { iss: `${idp.origin}/nowhere` })), 503, 'keys_unavailable');
    });
  });

  describe('secret (HMAC)', () => {
    // 64 bytes: long enough for HS512 too (RFC 7518 section 3.2: a key at least the hash size).
    const secret = 'a-shared-secret-of-sixty-four-bytes-for-hs256-hs384-and-hs512!!!';
    const signHs = (alg: string, key: string | Uint8Array = secret) =>
      new SignJWT(standardClaims({ sub: nextSub() })).setProtectedHeader({ alg, typ: 'JWT' }).sign(typeof key === 'string' ? new TextEncoder().encode(key) : key);
    let app: TestApp;
    beforeAll(async () => {
      app = await startApp({ issuer: ISSUER, secret }, [WhoAmIController]);
    });
    afterAll(() => app.close());

    it.each(['HS256', 'HS384', 'HS512'])('accepts %s signed with the secret', async (alg) => {
      expect((await me(app, await signHs(alg))).status).toBe(200);
    });

    it('refuses HS256 signed with another secret', async () => {
      expectRefusal(await me(app, await signHs('HS256', 'another-secret-that-is-also-32-bytes!!')), 401, 'signature_invalid');
    });

    it('refuses RS256 and ES256 tokens', async () => {
      expectRefusal(await me(app, await tokenWith(other)), 401, 'algorithm_not_allowed');
      expectRefusal(await me(app, await tokenWith(a)), 401, 'algorithm_not_allowed');
    });

    it('refuses alg none', async () => {
      expectRefusal(await me(app, craftToken({ alg: 'none' }, standardClaims())), 401, 'algorithm_not_allowed');
    });
  });
});
