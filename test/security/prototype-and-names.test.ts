import { Controller, Get } from '@nestjs/common';
import { claimEquals, CurrentSession, Permissions, RequireClaims, RequireTenant, Roles, type Session } from '../../lib/index.js';
import { call, startApp, type TestApp } from '../support/app.js';
import { makeKey, standardClaims, type TestKey } from '../support/keys.js';
import { expectRefusal } from '../support/refusal.js';
import { forge } from './support/forge.js';
import { prototypeSnapshot } from './support/prototype-snapshot.js';

const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

@Controller()
class NamesController {
  @Get('me') me(@CurrentSession() session: Session) {
    return { roles: session.roles, permissions: session.permissions, tenants: Object.keys(session.tenants), claimNames: Object.keys(session.claims) };
  }
  @Roles('constructor') @Get('role/constructor') roleConstructor() { return { ok: true }; }
  @Roles('__proto__') @Get('role/proto') roleProto() { return { ok: true }; }
  @Permissions('toString') @Get('permission/toString') permissionToString() { return { ok: true }; }
  @Roles('admin') @Get('admin') admin() { return { ok: true }; }
  @Roles('café') @Get('cafe') cafe() { return { ok: true }; }
  @RequireTenant() @Get('tenants/:tenantId') tenant() { return { ok: true }; }
  @RequireTenant() @Get('current-tenant') currentTenant() { return { ok: true }; }
  @RequireClaims(claimEquals('admin', true)) @Get('claim/admin') claimAdmin() { return { ok: true }; }
}

describe('prototype names and look-alike names', () => {
  const before = prototypeSnapshot();
  let key: TestKey;
  let app: TestApp;
  /** A token whose payload ends with the raw JSON members `members` (so "__proto__" stays an own member). */
  const token = (members: string) => forge({ alg: 'ES256', kid: key.kid }, `${JSON.stringify(standardClaims()).slice(0, -1)},${members}}`, key);
  const get = async (path: string, members: string, headers: Record<string, string> = {}) => call(`${app.url}${path}`, { token: await token(members), headers });

  beforeAll(async () => {
    key = await makeKey('ES256', 'names');
    app = await startApp({ issuer: 'P2testproject', jwks: { keys: [key.publicJwk] } }, [NamesController]);
  });
  afterAll(() => app.close());

  describe('as tenant ids', () => {
    const allPrototypeTenants = PROTOTYPE_NAMES.map((name) => `"${name}":{"roles":["admin"],"permissions":["*"]}`).join(',');

    it.each(PROTOTYPE_NAMES)('"%s" is never a membership: by route parameter, header or dct', async (name) => {
      const members = `"tenants":{${allPrototypeTenants},"t1":{"roles":["user"]}},"dct":"${name}"`;
      const me = await get('/me', members);
      expect(me.status).toBe(200);
      expect(me.body.tenants).toEqual(['t1']);
      expectRefusal(await get(`/tenants/${encodeURIComponent(name)}`, members), 403, 'tenant_not_member');
      expect((await get('/tenants/t1', members)).status).toBe(200);
      expectRefusal(await get('/current-tenant', members, { 'x-tenant-id': name }), 403, 'tenant_not_member');
      // dct naming it resolves no tenant at all.
      expectRefusal(await get('/current-tenant', members), 403, 'tenant_required');
    });

    it('a session without any tenants map is no member of a prototype-named tenant either', async () => {
      for (const name of PROTOTYPE_NAMES) {
        expectRefusal(await get(`/tenants/${encodeURIComponent(name)}`, '"roles":[]'), 403, 'tenant_not_member');
      }
    });
  });

  describe('as role and permission names', () => {
    it('a route requiring role "constructor" or "__proto__" needs exactly that string in roles', async () => {
      expectRefusal(await get('/role/constructor', '"roles":[]'), 403, 'missing_roles');
      expectRefusal(await get('/role/constructor', '"roles":"constructor"'), 403, 'missing_roles');
      expectRefusal(await get('/role/proto', '"roles":{}'), 403, 'missing_roles');
      expectRefusal(await get('/role/proto', '"__proto__":{"roles":["__proto__"]}'), 403, 'missing_roles');
      expect((await get('/role/constructor', '"roles":["constructor"]')).status).toBe(200);
      expect((await get('/role/proto', '"roles":["__proto__"]')).status).toBe(200);
    });

    it('a route requiring permission "toString" is not met by the inherited Array.prototype.toString', async () => {
      expectRefusal(await get('/permission/toString', '"permissions":[]'), 403, 'missing_permissions');
      expect((await get('/permission/toString', '"permissions":["toString"]')).status).toBe(200);
    });

    it('roles or permissions hidden under __proto__ or constructor grant nothing', async () => {
      for (const members of [
        '"__proto__":{"roles":["admin"]}',
        '"constructor":{"prototype":{"roles":["admin"]}}',
        '"roles":{"__proto__":["admin"]}',
        '"roles":{"0":"admin","length":1}',
      ]) {
        expectRefusal(await get('/admin', members), 403, 'missing_roles');
      }
    });
  });

  describe('as claim names', () => {
    it('"__proto__" in the payload stays an own claim and never sets anything else', async () => {
      const me = await get('/me', '"__proto__":{"admin":true,"roles":["admin"]},"constructor":{"prototype":{"admin":true}}');
      expect(me.status).toBe(200);
      expect(me.body.roles).toEqual([]);
      expect(me.body.claimNames).toEqual(expect.arrayContaining(['__proto__', 'constructor']));
      expectRefusal(await get('/claim/admin', '"__proto__":{"admin":true}'), 403, 'claims_failed', { failedValidators: ['claimEquals(admin)'] });
      expect((await get('/claim/admin', '"admin":true')).status).toBe(200);
    });
  });

  describe('names that differ only by case or Unicode form are different names (matched exactly)', () => {
    it.each([
      ['upper case', 'Admin'],
      ['all caps', 'ADMIN'],
      ['a trailing space', 'admin '],
      ['full-width letters', '\uFF41\uFF44\uFF4D\uFF49\uFF4E'],
      ['a dotless i', 'adm\u0131n'],
      ['a Cyrillic a', '\u0430dmin'],
      ['a zero-width space', 'ad\u200Bmin'],
    ])('role "admin" written with %s does not satisfy @Roles("admin")', async (_name, role) => {
      expectRefusal(await get('/admin', `"roles":${JSON.stringify([role])}`), 403, 'missing_roles');
    });

    it('"café" composed (NFC) and decomposed (NFD) are different roles', async () => {
      const nfc = 'caf\u00E9';
      const nfd = 'cafe\u0301';
      expect(nfc.normalize('NFC')).toBe(nfd.normalize('NFC'));
      expect((await get('/cafe', `"roles":${JSON.stringify([nfc])}`)).status).toBe(200);
      expectRefusal(await get('/cafe', `"roles":${JSON.stringify([nfd])}`), 403, 'missing_roles');
    });

    it('tenant ids that differ by case or form are different tenants', async () => {
      const members = '"tenants":{"acme":{"roles":["admin"]},"caf\u00E9":{"roles":[]}}';
      expect((await get('/tenants/acme', members)).status).toBe(200);
      for (const id of ['Acme', 'ACME', encodeURIComponent('cafe\u0301')]) expectRefusal(await get(`/tenants/${id}`, members), 403, 'tenant_not_member');
      expect((await get(`/tenants/${encodeURIComponent('caf\u00E9')}`, members)).status).toBe(200);
    });
  });

  it('leaves Object.prototype as it was', () => {
    expect(prototypeSnapshot()).toBe(before);
    const probe: Record<string, unknown> = {};
    for (const name of ['admin', 'roles', 'permissions', 'tenants']) expect(probe[name]).toBeUndefined();
  });
});
