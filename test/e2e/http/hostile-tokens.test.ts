import { Controller, Get } from '@nestjs/common';
import type { JWTPayload } from 'jose';
import { CurrentSession, Roles, type Session } from '../../../lib/index.js';
import { call, type HttpAnswer, type TestApp } from '../../support/app.js';
import { HTTP_ADAPTERS, onAdapter } from './on-adapter.js';
import { b64url, craftToken, ISSUER, makeKey, signSession, standardClaims, type TestKey } from '../../support/keys.js';
import { LoopbackServer } from '../../support/loopback-server.js';
import { hmacCompact, signCompact } from '../../support/raw-jws.js';
import { expectRefusal } from '../../support/refusal.js';

const AUDIENCE = 'api://nest-test';

@Controller()
class TargetController {
  @Get('me') me(@CurrentSession() session: Session) {
    return { userId: session.userId, roles: session.roles, tenants: Object.keys(session.tenants) };
  }
  @Roles('admin') @Get('admin') admin() { return { admin: true }; }
  @Roles('admin') @Get('tenants/:tenantId/admin') tenantAdmin() { return { admin: true }; }
}

/** Snapshot of `Object.prototype`: names and descriptors of its own properties. */
function prototypeSnapshot(): string {
  return JSON.stringify(
    Object.getOwnPropertyNames(Object.prototype)
      .sort()
      .map((name) => {
        const descriptor = Object.getOwnPropertyDescriptor(Object.prototype, name)!;
        return [name, typeof descriptor.value, typeof descriptor.get, descriptor.writable, descriptor.enumerable];
      }),
  );
}

describe.each(HTTP_ADAPTERS)('hostile tokens over HTTP (%s)', (adapter) => {
  const { startApp } = onAdapter(adapter);
  const prototypeBefore = prototypeSnapshot();
  let rs: TestKey;
  let es: TestKey;
  let attackerRs: TestKey;
  let attackerEs: TestKey;
  let app: TestApp;
  let jku: LoopbackServer;

  const claims = (extra: JWTPayload = {}) => standardClaims({ aud: AUDIENCE, ...extra });
  const legit = (extra: JWTPayload = {}, header: Record<string, unknown> = {}) =>
    signSession({ aud: AUDIENCE, ...extra }, { key: rs, header });
  const get = (path: string, init: { token?: string; headers?: Record<string, string> } = {}) => call(`${app.url}${path}`, init);
  /** Every refusal here is a 401 with the token and the key material kept out of the answer. */
  const expectInvalid = (answer: HttpAnswer, reason: string, token?: string) =>
    expectRefusal(answer, 401, reason, {
      secrets: [...(token && token.length > 20 ? [token] : []), rs.publicJwk.n!, es.publicJwk.x!],
    });

  beforeAll(async () => {
    [rs, es, attackerRs, attackerEs] = await Promise.all([
      makeKey('RS256', 'rs-legit'),
      makeKey('ES256', 'es-legit'),
      makeKey('RS256', 'rs-attacker'),
      makeKey('ES256', 'es-attacker'),
    ]);
    jku = await new LoopbackServer().json('/jwks.json', () => ({ keys: [attackerRs.publicJwk, attackerEs.publicJwk] })).start();
    app = await startApp({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [rs.publicJwk, es.publicJwk] } }, [TargetController]);
  });
  afterAll(async () => {
    await app.close();
    await jku.stop();
  });

  it('accepts the legitimate token the attacks start from', async () => {
    const answer = await get('/me', { token: await legit({ sub: 'U-legit' }) });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ userId: 'U-legit', roles: [], tenants: [] });
    expect((await get('/me', { token: await signSession({ aud: AUDIENCE }, { key: es }) })).status).toBe(200);
  });

  describe('algorithm confusion', () => {
    it.each(['none', 'None', 'NONE', 'nOnE'])('alg "%s" (unsigned) is algorithm_not_allowed', async (alg) => {
      for (const header of [{ alg, typ: 'JWT' }, { alg, kid: rs.kid }]) {
        const token = craftToken(header, claims({ roles: ['admin'] }));
        expectInvalid(await get('/admin', { token }), 'algorithm_not_allowed', token);
      }
    });

    it('HS256 keyed with the RSA public key as PEM text is algorithm_not_allowed', async () => {
      const token = hmacCompact({ alg: 'HS256', kid: rs.kid, typ: 'JWT' }, claims({ roles: ['admin'] }), rs.publicPem);
      expectInvalid(await get('/admin', { token }), 'algorithm_not_allowed', token);
    });

    it('HS256 keyed with the public keys as JWK JSON text is algorithm_not_allowed', async () => {
      for (const key of [rs, es]) {
        const token = hmacCompact({ alg: 'HS256', kid: key.kid }, claims({ roles: ['admin'] }), JSON.stringify(key.publicJwk));
        expectInvalid(await get('/admin', { token }), 'algorithm_not_allowed', token);
      }
    });

    it('an algorithm the key was not made for is refused (ES256 header under the RSA kid)', async () => {
      const token = await signCompact({ alg: 'ES256', kid: rs.kid }, claims(), attackerEs);
      const answer = await get('/me', { token });
      expect(answer.status).toBe(401);
      expect(['key_not_found', 'signature_invalid']).toContain(answer.body.reason);
    });
  });

  describe('signature', () => {
    it('a token signed by another key under a known kid is signature_invalid', async () => {
      const rsToken = await signCompact({ alg: 'RS256', kid: rs.kid }, claims({ roles: ['admin'] }), attackerRs);
      expectInvalid(await get('/admin', { token: rsToken }), 'signature_invalid', rsToken);
      const esToken = await signCompact({ alg: 'ES256', kid: es.kid }, claims({ roles: ['admin'] }), attackerEs);
      expectInvalid(await get('/admin', { token: esToken }), 'signature_invalid', esToken);
    });

    it('a tampered payload is signature_invalid', async () => {
      const [header, , signature] = (await legit({ roles: ['user'] })).split('.');
      const token = `${header}.${b64url(claims({ roles: ['admin'] }))}.${signature}`;
      expectInvalid(await get('/admin', { token }), 'signature_invalid', token);
    });

    it('a stripped signature is refused', async () => {
      const [header, payload] = (await legit()).split('.');
      const token = `${header}.${payload}.`;
      const answer = await get('/me', { token });
      expect(answer.status).toBe(401);
      expectInvalid(answer, answer.body.reason, token);
      expect(['signature_invalid', 'token_malformed']).toContain(answer.body.reason);
    });

    it('an unknown kid is key_not_found', async () => {
      const token = await legit({}, { kid: 'no-such-key' });
      expectInvalid(await get('/me', { token }), 'key_not_found', token);
    });

    it('an embedded jwk header is ignored: the attacker key it carries is never used', async () => {
      const noKid = await signCompact({ alg: 'ES256', jwk: attackerEs.publicJwk }, claims({ roles: ['admin'] }), attackerEs);
      expectInvalid(await get('/admin', { token: noKid }), 'signature_invalid', noKid);
      const ownKid = await signCompact({ alg: 'ES256', kid: attackerEs.kid, jwk: attackerEs.publicJwk }, claims({ roles: ['admin'] }), attackerEs);
      expectInvalid(await get('/admin', { token: ownKid }), 'key_not_found', ownKid);
    });

    it('a jku header is never fetched', async () => {
      const jwksUrl = `${jku.origin}/jwks.json`;
      const attackerKid = await signCompact({ alg: 'RS256', kid: attackerRs.kid, jku: jwksUrl }, claims({ roles: ['admin'] }), attackerRs);
      expectInvalid(await get('/admin', { token: attackerKid }), 'key_not_found', attackerKid);
      const knownKid = await signCompact({ alg: 'RS256', kid: rs.kid, jku: jwksUrl }, claims({ roles: ['admin'] }), attackerRs);
      expectInvalid(await get('/admin', { token: knownKid }), 'signature_invalid', knownKid);
      const x5u = await signCompact({ alg: 'RS256', kid: attackerRs.kid, x5u: jwksUrl }, claims(), attackerRs);
      expectInvalid(await get('/me', { token: x5u }), 'key_not_found', x5u);
      expect(jku.hits()).toBe(0);
    });

    it('an unknown critical header is refused even with a valid signature', async () => {
      const token = await signCompact({ alg: 'RS256', kid: rs.kid, crit: ['urn:example:must-understand'], 'urn:example:must-understand': true }, claims(), rs);
      expectInvalid(await get('/me', { token }), 'token_malformed', token);
    });
  });

  describe('claims', () => {
    const now = () => Math.floor(Date.now() / 1000);

    it('expired is token_expired', async () => {
      const token = await legit({ exp: now() - 60 });
      expectInvalid(await get('/me', { token }), 'token_expired', token);
    });

    it('nbf in the future is token_not_yet_valid', async () => {
      const token = await legit({ nbf: now() + 600 });
      expectInvalid(await get('/me', { token }), 'token_not_yet_valid', token);
    });

    it('a wrong or missing iss is issuer_mismatch', async () => {
      const wrong = await legit({ iss: 'P2someoneelse' });
      expectInvalid(await get('/me', { token: wrong }), 'issuer_mismatch', wrong);
      const prefix = await legit({ iss: `${ISSUER}x` });
      expectInvalid(await get('/me', { token: prefix }), 'issuer_mismatch', prefix);
      const missing = await signCompact({ alg: 'RS256', kid: rs.kid }, { ...claims(), iss: undefined }, rs);
      expectInvalid(await get('/me', { token: missing }), 'issuer_mismatch', missing);
    });

    it('a wrong or missing aud is audience_mismatch when an audience is configured', async () => {
      const wrong = await legit({ aud: 'api://other' });
      expectInvalid(await get('/me', { token: wrong }), 'audience_mismatch', wrong);
      const missing = await signCompact({ alg: 'RS256', kid: rs.kid }, { ...claims(), aud: undefined }, rs);
      expectInvalid(await get('/me', { token: missing }), 'audience_mismatch', missing);
      const inList = await legit({ aud: ['api://other', AUDIENCE] });
      expect((await get('/me', { token: inList })).status).toBe(200);
    });

    it('no exp is claim_invalid', async () => {
      const token = await signSession({ aud: AUDIENCE }, { key: rs, expiresIn: null });
      expectInvalid(await get('/me', { token }), 'claim_invalid', token);
    });

    it('exp as a string is claim_invalid', async () => {
      for (const exp of [String(now() + 300), `${now() + 300}`, '9999999999']) {
        const token = await signCompact({ alg: 'RS256', kid: rs.kid }, { ...claims(), exp }, rs);
        expectInvalid(await get('/me', { token }), 'claim_invalid', token);
      }
    });

    it('no sub, or a non-string sub, is claim_invalid', async () => {
      for (const sub of [undefined, '', 42, ['U1']]) {
        const token = await signCompact({ alg: 'RS256', kid: rs.kid }, { ...claims(), sub }, rs);
        expectInvalid(await get('/me', { token }), 'claim_invalid', token);
      }
    });

    it('iat in the future is claim_invalid', async () => {
      const token = await legit({ iat: now() + 3600 });
      expectInvalid(await get('/me', { token }), 'claim_invalid', token);
    });
  });

  describe('shape', () => {
    it.each([
      ['two segments', async () => (await legit()).split('.').slice(0, 2).join('.')],
      ['four segments', async () => `${await legit()}.${b64url('x')}`],
      ['five segments (JWE-like)', async () => [b64url({ alg: 'RSA-OAEP', enc: 'A256GCM' }), 'a2V5', 'aXY', 'Y2lwaGVy', 'dGFn'].join('.')],
      ['base64 padding', async () => `${await legit()}==`],
      ['standard base64 characters', async () => (await legit()).replace(/-/g, '+').replace(/_/g, '/') + '+/'],
      ['non-base64url characters', async () => '%%%.###.!!!'],
      ['an impossible base64url length', async () => {
        // A base64url segment is never one character past a multiple of 4.
        const [h, p, s] = (await legit()).split('.');
        return `${h}.${p}${'A'.repeat((5 - (p!.length % 4)) % 4 || 4)}.${s}`;
      }],
      ['a header that is not JSON', async () => { const [, p, s] = (await legit()).split('.'); return `${b64url('not json')}.${p}.${s}`; }],
      ['a header that is a JSON array', async () => { const [, p, s] = (await legit()).split('.'); return `${b64url('["RS256"]')}.${p}.${s}`; }],
      ['a payload that is a JSON array', async () => signCompact({ alg: 'RS256', kid: rs.kid }, '[1,2,3]', rs)],
      ['a payload that is not JSON', async () => signCompact({ alg: 'RS256', kid: rs.kid }, 'hello', rs)],
      ['a single dot-free word', async () => 'token'],
    ])('%s is token_malformed', async (_name, make) => {
      const token = await make();
      expectInvalid(await get('/me', { token }), 'token_malformed', token);
    });

    it('an empty bearer credential is token_malformed', async () => {
      for (const authorization of ['Bearer', 'Bearer ', 'Bearer    ']) {
        expectInvalid(await get('/me', { headers: { authorization } }), 'token_malformed');
      }
    });

    it('two tokens in one Authorization header are token_malformed', async () => {
      const token = await legit();
      for (const authorization of [`Bearer ${token} ${token}`, `Bearer ${token}, Bearer ${token}`, `Bearer ${token},${token}`, `Bearer ${token}\t${token}`]) {
        expectInvalid(await get('/me', { headers: { authorization } }), 'token_malformed', token);
      }
    });

    it('a token over 8 KiB is token_malformed, even with a valid signature; one just under is accepted', async () => {
      // Grow a padding claim until the signed token crosses 8192 characters.
      const sized = async (padding: number) => legit({ padding: 'p'.repeat(padding) });
      const base = (await sized(0)).length;
      let padding = Math.floor(((8192 - base) * 3) / 4);
      let under = await sized(padding);
      while (under.length > 8192) under = await sized(--padding);
      expect(under.length).toBeGreaterThan(8150);
      expect((await get('/me', { token: under })).status).toBe(200);

      const over = await sized(padding + 16);
      expect(over.length).toBeGreaterThan(8192);
      expectInvalid(await get('/me', { token: over }), 'token_malformed', over);
      const huge = await sized(8_000);
      expectInvalid(await get('/me', { token: huge }), 'token_malformed', huge);
    });
  });

  describe('claim values that try to grant more', () => {
    it('roles as a string never satisfy @Roles', async () => {
      for (const roles of ['admin', 'superadmin', 'admin,user', { 0: 'admin', length: 1 }, [['admin']], [{ name: 'admin' }], { admin: true }]) {
        const token = await legit({ roles } as JWTPayload);
        expectRefusal(await get('/admin', { token }), 403, 'missing_roles', { secrets: [token] });
      }
    });

    it('string members of a mixed roles array still count, nothing else does', async () => {
      expect((await get('/admin', { token: await legit({ roles: [1, null, 'admin'] }) })).status).toBe(200);
    });

    it('tenant roles as a string never satisfy @Roles in that tenant', async () => {
      const token = await legit({ tenants: { t1: { roles: 'admin' } } });
      expectRefusal(await get('/tenants/t1/admin', { token }), 403, 'missing_roles');
      const listed = await legit({ tenants: { t1: { roles: ['admin'] } } });
      expect((await get('/tenants/t1/admin', { token: listed })).status).toBe(200);
    });

    /** A signed token whose raw JSON carries `tenants` (and top-level) entries under prototype names. */
    const withRawTenants = (tenantsJson: string) =>
      signCompact(
        { alg: 'RS256', kid: rs.kid },
        JSON.stringify(claims()).replace(/}$/, `,"tenants":${tenantsJson},"__proto__":{"roles":["admin"],"admin":true},"constructor":{"prototype":{"admin":true}}}`),
        rs,
      );

    it('tenants with __proto__ / constructor / prototype keys grant no membership and pollute nothing', async () => {
      const token = await withRawTenants(
        '{"__proto__":{"roles":["admin"]},"constructor":{"roles":["admin"],"prototype":{"admin":true}},' +
          '"prototype":{"roles":["admin"]},"t1":{"roles":["user"]}}',
      );
      const me = await get('/me', { token });
      expect(me.status).toBe(200);
      expect(me.body).toEqual({ userId: 'U1', roles: [], tenants: ['t1'] });

      expectRefusal(await get('/admin', { token }), 403, 'missing_roles');
      for (const name of ['__proto__', 'constructor', 'prototype']) {
        expectRefusal(await get(`/tenants/${name}/admin`, { token }), 403, 'tenant_not_member');
        expectRefusal(await get('/admin', { token, headers: { 'x-tenant-id': name } }), 403, 'tenant_not_member');
      }
      expectRefusal(await get('/tenants/t1/admin', { token }), 403, 'missing_roles');
      expect(({} as Record<string, unknown>).admin).toBeUndefined();
      expect(({} as Record<string, unknown>).roles).toBeUndefined();
    });

    // Issue 2 item 5: `tenants` never holds `__proto__`, `constructor`, `toString` ... : the other
    // Object.prototype names are prototype names too, and never tenant ids.
    it('toString, hasOwnProperty, valueOf ... entries in tenants are never memberships', async () => {
      for (const name of ['toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf']) {
        const token = await withRawTenants(`{"${name}":{"roles":["admin"]},"t1":{"roles":["user"]}}`);
        expect({ name, tenants: (await get('/me', { token })).body.tenants }).toEqual({ name, tenants: ['t1'] });
        expectRefusal(await get(`/tenants/${name}/admin`, { token }), 403, 'tenant_not_member');
        expectRefusal(await get('/admin', { token, headers: { 'x-tenant-id': name } }), 403, 'tenant_not_member');
      }
    });
  });

  it('leaves Object.prototype unchanged after all of it', () => {
    expect(prototypeSnapshot()).toBe(prototypeBefore);
    const probe: Record<string, unknown> = {};
    for (const name of ['admin', 'roles', 'permissions', 'tenants', 't1']) expect(probe[name]).toBeUndefined();
  });
});
