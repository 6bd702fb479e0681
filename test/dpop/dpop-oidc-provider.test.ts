import { Controller, Get, Post } from '@nestjs/common';
import { generateSecret, SignJWT } from 'jose';
import { CurrentSession, RequireDpop, SessionModule, type Session, type SessionModuleOptions } from '../../lib/index.js';
import { call, HTTP_ADAPTERS, type HttpAdapterName, type TestApp } from '../support/app.js';
import { DpopClientKey } from '../support/dpop-proof.js';
import { startNestApp } from '../support/nest-app.js';
import { OidcProviderServer, RESOURCE } from '../support/oidc-provider.js';
import { expectRefusal } from '../support/refusal.js';
import { expectDpopRefusal } from './dpop-expect.js';

@Controller()
class OrdersController {
  @Get('orders')
  orders(@CurrentSession() session: Session) {
    return { userId: session.userId, jkt: (session.claims.cnf as { jkt?: string } | undefined)?.jkt ?? null };
  }

  @Post('orders')
  create() {
    return { created: true };
  }

  @RequireDpop()
  @Get('strict')
  strict() {
    return { strict: true };
  }
}

const NONCE_SECRET = 'a-nonce-secret-shared-by-every-instance-0123456789';

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Tokens from a real oidc-provider (DPoP on by default in v9): DPoP-bound when the token request carries a proof. */
describe.each(HTTP_ADAPTERS)('DPoP (RFC 9449) with tokens from oidc-provider, over %s', (adapter: HttpAdapterName) => {
  let provider: OidcProviderServer;
  let key: DpopClientKey;
  let bound: string;
  let bearer: string;
  const apps: TestApp[] = [];
  let allowed: TestApp;
  let required: TestApp;
  let withNonce: TestApp;
  let withNonceToo: TestApp;
  let off: TestApp;

  async function start(extra: Partial<SessionModuleOptions>): Promise<TestApp> {
    const options: SessionModuleOptions = { issuer: provider.issuer, audience: RESOURCE, discovery: true, claims: 'oidc', ...extra };
    const app = await startNestApp({ imports: [SessionModule.forRoot(options)], controllers: [OrdersController] }, { adapter });
    apps.push(app);
    return app;
  }

  /** A DPoP request as a client makes it: `Authorization: DPoP`, a fresh proof for this method and URL. */
  async function dpopCall(app: TestApp, path: string, init: { method?: string; token?: string; proof?: string; nonce?: string } = {}) {
    const method = init.method ?? 'GET';
    const token = init.token ?? bound;
    const proof = init.proof ?? (await key.proof(method, `${app.url}${path}`, { accessToken: token, ...(init.nonce !== undefined && { nonce: init.nonce }) }));
    return call(`${app.url}${path}`, { method, headers: { authorization: `DPoP ${token}`, dpop: proof } });
  }

  beforeAll(async () => {
    provider = await new OidcProviderServer().start();
    key = await DpopClientKey.create('ES256');
    const tokenProof = await key.proof('POST', provider.tokenEndpoint);
    const issued = await provider.clientCredentialsToken(undefined, { dpop: tokenProof });
    expect(issued.token_type).toBe('DPoP');
    bound = issued.access_token;
    bearer = (await provider.clientCredentialsToken()).access_token;
    allowed = await start({ dpop: 'allowed' });
    required = await start({ dpop: 'required' });
    withNonce = await start({ dpop: 'required', dpopNonce: { secret: NONCE_SECRET } });
    withNonceToo = await start({ dpop: 'required', dpopNonce: { secret: NONCE_SECRET } });
    off = await start({});
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await provider?.stop();
  });

  it('a DPoP-bound token from the provider passes with a fresh proof per request, and the cache never spares the proof', async () => {
    for (let i = 0; i < 3; i++) {
      const answer = await dpopCall(allowed, '/orders');
      expect(answer.status).toBe(200);
      expect(answer.body.jkt).toBe(key.jkt);
    }
    expect((await dpopCall(allowed, '/orders', { method: 'POST' })).status).toBe(201);
    expect((await dpopCall(required, '/orders')).status).toBe(200);
    // The session is cached now: the same token without a proof, or with the proof of an earlier request, is still refused.
    const proof = await key.proof('GET', `${allowed.url}/orders`, { accessToken: bound });
    expect((await dpopCall(allowed, '/orders', { proof })).status).toBe(200);
    expectDpopRefusal(await dpopCall(allowed, '/orders', { proof }), 'dpop_invalid', 'invalid_dpop_proof', /used before/);
    expectDpopRefusal(await call(`${allowed.url}/orders`, { headers: { authorization: `DPoP ${bound}` } }), 'dpop_invalid', 'invalid_dpop_proof', /required/);
  });

  it('a DPoP-bound token sent as Bearer is refused with error="invalid_token"', async () => {
    expectDpopRefusal(await call(`${allowed.url}/orders`, { token: bound }), 'dpop_invalid', 'invalid_token', /DPoP scheme/);
  });

  it('dpop: allowed still takes unbound Bearer tokens; an unbound token with the DPoP scheme is refused', async () => {
    expect((await call(`${allowed.url}/orders`, { token: bearer })).status).toBe(200);
    const proof = await key.proof('GET', `${allowed.url}/orders`, { accessToken: bearer });
    expectDpopRefusal(await dpopCall(allowed, '/orders', { token: bearer, proof }), 'dpop_invalid', 'invalid_token', /not DPoP-bound/);
  });

  it('where only DPoP is accepted: no token challenges with DPoP algs, a Bearer token is 401 dpop_invalid', async () => {
    for (const [app, path] of [[required, '/orders'], [allowed, '/strict'], [off, '/strict']] as const) {
      const missing = await call(`${app.url}${path}`);
      expect({ status: missing.status, reason: missing.body.reason }).toEqual({ status: 401, reason: 'token_missing' });
      expect(missing.headers.get('www-authenticate')).toMatch(/^DPoP algs="(ES256 )?[A-Za-z0-9 ]*ES256[A-Za-z0-9 ]*"$/);
      expectDpopRefusal(await call(`${app.url}${path}`, { token: bearer }), 'dpop_invalid', 'invalid_token');
    }
    // Both schemes accepted: both challenged.
    expect((await call(`${allowed.url}/orders`)).headers.get('www-authenticate')).toMatch(/^Bearer, DPoP algs="[A-Za-z0-9 ]+"$/);
    expect((await dpopCall(off, '/strict')).status).toBe(200);
  });

  it('without the dpop option DPoP is ignored: the DPoP scheme is no token, Bearer tokens pass as before', async () => {
    expectRefusal(await dpopCall(off, '/orders'), 401, 'token_missing');
    expect((await call(`${off.url}/orders`, { token: bound })).status).toBe(200);
  });

  it('a token that fails validation with the DPoP scheme is challenged with DPoP error="invalid_token"', async () => {
    const forged = `${bound.slice(0, -4)}AAAA`;
    const proof = await key.proof('GET', `${allowed.url}/orders`, { accessToken: forged });
    const answer = await dpopCall(allowed, '/orders', { token: forged, proof });
    expect(answer.body.reason).toBe('signature_invalid');
    expect(answer.headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_token", error_description="[^"]*", algs="/);
  });

  describe('forged proofs, each refused with its reason and challenge', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const url = () => `${allowed.url}/orders`;
    const cases: Array<[string, () => Promise<string>, 'invalid_dpop_proof' | 'invalid_token', RegExp]> = [
      ['wrong htu (another path)', () => key.proof('GET', `${allowed.url}/other`, { accessToken: bound }), 'invalid_dpop_proof', /htu/],
      ['wrong htu (another host)', () => key.proof('GET', `http://evil.example${new URL(url()).pathname}`, { accessToken: bound }), 'invalid_dpop_proof', /htu/],
      ['wrong htm (proof for another method)', () => key.proof('POST', url(), { accessToken: bound }), 'invalid_dpop_proof', /htm/],
      ['stale iat', () => key.proof('GET', url(), { accessToken: bound, iat: now() - 120 }), 'invalid_dpop_proof', /too old/],
      ['future iat', () => key.proof('GET', url(), { accessToken: bound, iat: now() + 120 }), 'invalid_dpop_proof', /future/],
      ['wrong ath', () => key.proof('GET', url(), { accessToken: bearer }), 'invalid_dpop_proof', /ath/],
      ['no ath', () => key.proof('GET', url()), 'invalid_dpop_proof', /ath/],
      ['mismatched jkt (another key)', async () => (await DpopClientKey.create('ES256')).proof('GET', url(), { accessToken: bound }), 'invalid_token', /cnf\.jkt/],
      ['missing typ', () => key.proof('GET', url(), { accessToken: bound, header: { typ: undefined } }), 'invalid_dpop_proof', /typ/],
      ['typ jwt', () => key.proof('GET', url(), { accessToken: bound, header: { typ: 'JWT' } }), 'invalid_dpop_proof', /typ/],
      ['private key in jwk', () => key.proof('GET', url(), { accessToken: bound, header: { jwk: key.privateJwk } }), 'invalid_dpop_proof', /public key/],
      ['no jwk', () => key.proof('GET', url(), { accessToken: bound, header: { jwk: undefined } }), 'invalid_dpop_proof', /jwk/],
      ['oversized', () => key.proof('GET', url(), { accessToken: bound, claims: { pad: 'x'.repeat(9000) } }), 'invalid_dpop_proof', /larger than 8192/],
      ['bad signature', async () => `${(await key.proof('GET', url(), { accessToken: bound })).slice(0, -6)}AAAAAA`, 'invalid_dpop_proof', /signature/],
      ['no jti', () => key.proof('GET', url(), { accessToken: bound, claims: { jti: undefined } }), 'invalid_dpop_proof', /jti/],
      [
        'symmetric alg (HS256, key in the header)',
        async () => {
          const secret = await generateSecret('HS256', { extractable: true });
          return new SignJWT({ htm: 'GET', htu: url(), jti: 'hs', iat: now() })
            .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: { kty: 'oct', k: Buffer.from(await crypto.subtle.exportKey('raw', secret)).toString('base64url') } as never })
            .sign(secret);
        },
        'invalid_dpop_proof',
        /algorithm/,
      ],
      ['alg none', async () => `${b64({ alg: 'none', typ: 'dpop+jwt', jwk: key.publicJwk })}.${b64({ htm: 'GET', htu: url(), jti: 'none', iat: now() })}.`, 'invalid_dpop_proof', /algorithm/],
    ];

    it.each(cases)('%s', async (_name, makeProof, error, message) => {
      const answer = await dpopCall(allowed, '/orders', { proof: await makeProof() });
      expectDpopRefusal(answer, 'dpop_invalid', error, message);
    });

    it('a replayed jti (the same proof twice)', async () => {
      const proof = await key.proof('GET', url(), { accessToken: bound });
      expect((await dpopCall(allowed, '/orders', { proof })).status).toBe(200);
      expectDpopRefusal(await dpopCall(allowed, '/orders', { proof }), 'dpop_invalid', 'invalid_dpop_proof', /used before/);
    });

    it('two DPoP headers', async () => {
      const proof = await key.proof('GET', url(), { accessToken: bound });
      const answer = await call(url(), { headers: [['authorization', `DPoP ${bound}`], ['dpop', proof], ['dpop', proof]] });
      expectDpopRefusal(answer, 'dpop_invalid', 'invalid_dpop_proof', /one DPoP header/);
    });
  });

  describe('server nonces (valid on every instance sharing the secret)', () => {
    it('a proof without the nonce is 401 use_dpop_nonce with a DPoP-Nonce; with it, the request passes on either instance', async () => {
      const first = await dpopCall(withNonce, '/orders');
      expectDpopRefusal(first, 'dpop_nonce_required', 'use_dpop_nonce');
      const nonce = first.headers.get('dpop-nonce');
      expect(nonce).toMatch(/^[\x21\x23-\x5B\x5D-\x7E]+$/);
      const passed = await dpopCall(withNonce, '/orders', { nonce: nonce! });
      expect(passed.status).toBe(200);
      expect(passed.headers.get('dpop-nonce')).toBe(nonce);
      expect((await dpopCall(withNonceToo, '/orders', { nonce: nonce! })).status).toBe(200);
      expectDpopRefusal(await dpopCall(withNonce, '/orders', { nonce: `${nonce!.slice(0, -2)}xx` }), 'dpop_nonce_required', 'use_dpop_nonce');
    });
  });
});
