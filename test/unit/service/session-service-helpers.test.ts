import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import { SessionModule, SessionService, type Session } from '../../../lib/index.js';
import { ISSUER, makeKey, signSession } from '../../support/keys.js';

type Helper =
  | 'validateRoles' | 'validatePermissions' | 'getMatchedRoles' | 'getMatchedPermissions'
  | 'validateTenantRoles' | 'validateTenantPermissions' | 'getMatchedTenantRoles' | 'getMatchedTenantPermissions';

const TOP_LEVEL: readonly Helper[] = ['validateRoles', 'validatePermissions', 'getMatchedRoles', 'getMatchedPermissions'];
const IN_TENANT: readonly Helper[] = ['validateTenantRoles', 'validateTenantPermissions', 'getMatchedTenantRoles', 'getMatchedTenantPermissions'];
const listName = (helper: Helper) => (helper.includes('Roles') ? 'roles' : 'permissions');

describe('SessionService helpers refuse a wrong argument type: a TypeError naming it, never an answer', () => {
  let service: SessionService;
  let session: Session;
  /** Calls a helper the way JavaScript (or a request body) can: any value in any place. */
  const ask = (helper: Helper, ...args: unknown[]) => (service[helper] as (...a: unknown[]) => unknown).apply(service, args);

  beforeAll(async () => {
    const key = await makeKey('ES256');
    const moduleRef = await Test.createTestingModule({
      imports: [SessionModule.forRoot({ issuer: ISSUER, jwks: { keys: [key.publicJwk] }, globalGuard: false })],
    }).compile();
    service = moduleRef.get(SessionService);
    session = await service.validateSession(
      await signSession({ roles: ['admin'], permissions: ['read'], tenants: { t1: { roles: ['admin'], permissions: ['read'] } } }, { key }),
    );
  });

  const badLists: [string, unknown][] = [
    ['a string where a list belongs', 'admin'],
    ['a list with a number', ['admin', 1]],
    ['a list with null', [null]],
    ['an object', { 0: 'admin', length: 1 }],
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
  ];

  describe.each(TOP_LEVEL)('%s', (helper) => {
    it.each(badLists)('the list is %s', (_name, value) => {
      expect(() => ask(helper, session, value)).toThrow(TypeError);
      expect(() => ask(helper, session, value)).toThrow(new RegExp(`^SessionService\\.${helper}: ${listName(helper)} must be an array of strings`));
    });

    it.each([['undefined', undefined], ['null', null], ['a token string', 'eyJ...'], ['an object without grants', { userId: 'u' }], ['an array', []]])(
      'the session is %s',
      (_name, value) => {
        expect(() => ask(helper, value, ['admin'])).toThrow(new RegExp(`^SessionService\\.${helper}: session must be a Session`));
      },
    );

    it('still answers well-typed questions', () => {
      expect(ask(helper, session, [])).toEqual(helper.startsWith('validate') ? true : []);
      expect(ask(helper, session, [helper.includes('Roles') ? 'admin' : 'read'])).toEqual(helper.startsWith('validate') ? true : [helper.includes('Roles') ? 'admin' : 'read']);
    });
  });

  describe.each(IN_TENANT)('%s', (helper) => {
    it.each(badLists)('the list is %s', (_name, value) => {
      expect(() => ask(helper, session, 't1', value)).toThrow(new RegExp(`^SessionService\\.${helper}: ${listName(helper)} must be an array of strings`));
      // Even for a tenant the session is not a member of: the call itself is wrong.
      expect(() => ask(helper, session, 't9', value)).toThrow(TypeError);
    });

    it.each([['undefined', undefined], ['a number', 1], ['a list', ['t1']], ['an object', { toString: () => 't1' }]])('the tenant id is %s', (_name, value) => {
      expect(() => ask(helper, session, value, ['admin'])).toThrow(new RegExp(`^SessionService\\.${helper}: tenantId must be a string`));
    });

    it('the arguments in the order of the top-level helper (no tenant id) are refused', () => {
      expect(() => ask(helper, session, ['admin'])).toThrow(TypeError);
    });

    it('the session is not a Session', () => {
      expect(() => ask(helper, { tenants: { t1: { roles: ['admin'] } } }, 't1', ['admin'])).toThrow(/session must be a Session/);
    });

    it('still answers well-typed questions', () => {
      const name = helper.includes('Roles') ? 'admin' : 'read';
      expect(ask(helper, session, 't1', [name])).toEqual(helper.startsWith('validate') ? true : [name]);
      expect(ask(helper, session, 't9', [name])).toEqual(helper.startsWith('validate') ? false : []);
    });
  });

  it('names the fix for a lone string', () => {
    expect(() => service.validateRoles(session, 'admin' as never)).toThrow('SessionService.validateRoles: roles must be an array of strings, got a string (write ["admin"])');
  });
});
