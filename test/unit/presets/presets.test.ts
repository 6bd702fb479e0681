import type { JWTPayload } from 'jose';
import {
  CLAIMS_PRESETS,
  SessionConfigError,
  auth0Claims,
  keycloakClaims,
  type ClaimsMapper,
  type Session,
} from '../../../lib/index.js';
import { SessionOptions } from '../../../lib/options/session-options.js';
import { createSession } from '../../../lib/claims/session-factory.js';
import { PAYLOADS, withTimes } from './provider-payloads.js';

/** The preset's output as the guard sees it: through the session factory and its sanitizers. */
function sessionOf(payload: object, mapper: ClaimsMapper): Session {
  return createSession(structuredClone(withTimes(payload)) as JWTPayload, 'token', mapper);
}

function grants(session: Session) {
  return {
    roles: session.roles,
    permissions: session.permissions,
    tenants: Object.fromEntries(Object.entries(session.tenants)),
    currentTenant: session.currentTenant,
    authMethods: session.authMethods,
    sessionId: session.sessionId,
  };
}

describe('claim presets, each on a real-looking payload', () => {
  it('descope (the default): top-level grants, a tenants map, dct, amr, sid', () => {
    expect(grants(sessionOf(PAYLOADS.descope, CLAIMS_PRESETS.descope))).toEqual({
      roles: ['support'],
      permissions: ['tickets:read'],
      tenants: { T2acme: { roles: ['admin'], permissions: ['projects:create', 'billing:read'] }, T2beta: { roles: ['viewer'], permissions: [] } },
      currentTenant: 'T2acme',
      authMethods: ['email', 'mfa'],
      sessionId: 'S2f0e1d2c3b4',
    });
    expect(new SessionOptions({ issuer: 'i', jwks: { keys: [] } }).issuerConfigs[0]!.mapClaims).toBe(CLAIMS_PRESETS.descope);
  });

  describe('keycloak', () => {
    it('with a client id: realm roles and that client roles, scope as permissions, the organization as tenant', () => {
      expect(grants(sessionOf(PAYLOADS.keycloak, keycloakClaims({ clientId: 'orders-api' })))).toEqual({
        roles: ['offline_access', 'uma_authorization', 'support', 'orders-admin'],
        permissions: ['openid', 'profile', 'email', 'orders:read'],
        tenants: { acme: { roles: ['offline_access', 'uma_authorization', 'support', 'orders-admin'], permissions: ['openid', 'profile', 'email', 'orders:read'] } },
        currentTenant: 'acme',
        authMethods: [],
        sessionId: 'a3c1e0d2-7b8f-4e6a-9c5d-1f2e3a4b5c6d',
      });
    });

    it("by name: realm roles only (another client's roles never count)", () => {
      const session = sessionOf(PAYLOADS.keycloak, CLAIMS_PRESETS.keycloak);
      expect(session.roles).toEqual(['offline_access', 'uma_authorization', 'support']);
      expect(sessionOf(PAYLOADS.keycloak, keycloakClaims({ clientId: 'billing-api' })).roles).not.toContain('manage-account');
    });

    it('reads the organization claim as an alias list too; several organizations set no current tenant', () => {
      const session = sessionOf({ ...PAYLOADS.keycloak, organization: ['acme', 'globex'] }, CLAIMS_PRESETS.keycloak);
      expect(Object.keys(session.tenants)).toEqual(['acme', 'globex']);
      expect(session.currentTenant).toBeUndefined();
    });

    it('a client id that names a prototype member finds nothing', () => {
      expect(sessionOf(PAYLOADS.keycloak, keycloakClaims({ clientId: 'constructor' })).roles).toEqual(['offline_access', 'uma_authorization', 'support']);
    });

    it('refuses an empty client id at start-up', () => {
      expect(() => keycloakClaims({ clientId: '' })).toThrow(SessionConfigError);
    });
  });

  describe('auth0', () => {
    const rolesClaim = 'https://api.acme.example/roles';

    it('permissions, the configured roles claim, org_id as the current tenant holding the same grants', () => {
      expect(grants(sessionOf(PAYLOADS.auth0, auth0Claims({ rolesClaim })))).toEqual({
        roles: ['support'],
        permissions: ['orders:read', 'orders:write'],
        tenants: { org_9Fh2kLw0QzT1xY3b: { roles: ['support'], permissions: ['orders:read', 'orders:write'] } },
        currentTenant: 'org_9Fh2kLw0QzT1xY3b',
        authMethods: [],
        sessionId: undefined,
      });
    });

    it('by name: no roles (Auth0 has no standard roles claim); scope is never read as permissions', () => {
      const session = sessionOf(PAYLOADS.auth0, CLAIMS_PRESETS.auth0);
      expect(session.roles).toEqual([]);
      expect(sessionOf({ ...PAYLOADS.auth0, permissions: undefined }, CLAIMS_PRESETS.auth0).permissions).toEqual([]);
    });

    it('without org_id: no tenant', () => {
      const { org_id: _org, ...personal } = PAYLOADS.auth0;
      const session = sessionOf(personal, auth0Claims({ rolesClaim }));
      expect(session.tenants).toEqual({});
      expect(session.currentTenant).toBeUndefined();
    });
  });

  it('supertokens: st-role.v, st-perm.v, tId as the current tenant, MFA factors, sessionHandle', () => {
    expect(grants(sessionOf(PAYLOADS.supertokens, CLAIMS_PRESETS.supertokens))).toEqual({
      roles: ['admin'],
      permissions: ['orders:read', 'orders:write'],
      tenants: { public: { roles: ['admin'], permissions: ['orders:read', 'orders:write'] } },
      currentTenant: 'public',
      authMethods: ['emailpassword', 'otp-email'],
      sessionId: '1c8b5f7e-6c9d-4f5e-8a2b-3d4e5f6a7b8c',
    });
  });

  describe('oidc', () => {
    it('scope as permissions, roles, amr, sid', () => {
      expect(grants(sessionOf(PAYLOADS.oidc, CLAIMS_PRESETS.oidc))).toEqual({
        roles: ['support'],
        permissions: ['openid', 'orders:read', 'orders:write'],
        tenants: {},
        currentTenant: undefined,
        authMethods: ['pwd', 'otp'],
        sessionId: 'ses_41c9',
      });
    });

    it('scp, as an array or a string, when there is no scope', () => {
      const { scope: _scope, ...rest } = PAYLOADS.oidc;
      expect(sessionOf({ ...rest, scp: ['orders:read'] }, CLAIMS_PRESETS.oidc).permissions).toEqual(['orders:read']);
      expect(sessionOf({ ...rest, scp: 'orders:read orders:write' }, CLAIMS_PRESETS.oidc).permissions).toEqual(['orders:read', 'orders:write']);
    });
  });

  describe('what a preset returns still goes through the sanitizers', () => {
    it.each([
      ['keycloak', keycloakClaims({ clientId: 'api' }), { realm_access: { roles: 'admin' }, resource_access: { api: { roles: [1, 'ok'] } }, scope: 42 }],
      ['auth0', auth0Claims({ rolesClaim: 'r' }), { r: 'admin', permissions: { 0: 'x' }, org_id: '__proto__' }],
      ['supertokens', CLAIMS_PRESETS.supertokens, { 'st-role': { v: 'admin' }, 'st-perm': ['x'], tId: 42, 'st-mfa': { c: ['otp'] } }],
      ['oidc', CLAIMS_PRESETS.oidc, { roles: 'admin', scp: { admin: true } }],
    ])('%s: no lone string, no non-string member, no prototype tenant grants anything', (_name, mapper, hostile) => {
      const session = sessionOf({ iss: 'i', sub: 'u', ...hostile }, mapper);
      expect(session.roles.every((role) => role === 'ok')).toBe(true);
      expect(session.permissions).toEqual([]);
      expect(Object.keys(session.tenants)).toEqual([]);
      expect(Object.getPrototypeOf(session.tenants)).toBeNull();
    });
  });

  it('the claims option accepts every preset by name and each factory', () => {
    for (const name of ['descope', 'keycloak', 'auth0', 'supertokens', 'oidc'] as const) {
      expect(new SessionOptions({ issuer: 'i', jwks: { keys: [] }, claims: name }).issuerConfigs[0]!.mapClaims).toBe(CLAIMS_PRESETS[name]);
    }
    const mapper = keycloakClaims({ clientId: 'api' });
    expect(new SessionOptions({ issuer: 'i', jwks: { keys: [] }, claims: mapper }).issuerConfigs[0]!.mapClaims).toBe(mapper);
  });
});
