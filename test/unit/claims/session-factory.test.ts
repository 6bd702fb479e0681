import { CLAIMS_PRESETS } from '../../../lib/index.js';
import { deepFreeze, scopeList, stringArray, tenantMap } from '../../../lib/claims/safe-values.js';
import { createSession, withTenant } from '../../../lib/claims/session-factory.js';

const now = Math.floor(Date.now() / 1000);

/** A Descope session token's payload, as the provider issues it. */
function descopePayload(extra: Record<string, unknown> = {}) {
  return {
    sub: 'U2abc',
    iss: 'P2abc',
    aud: 'P2abc',
    iat: now,
    exp: now + 600,
    sid: 'S1',
    jti: 'J1',
    amr: ['email', 'mfa'],
    dct: 'T1',
    roles: ['viewer'],
    permissions: ['projects.read'],
    tenants: { T1: { roles: ['admin'], permissions: ['projects.write'] }, T2: { roles: [], permissions: [] } },
    ...extra,
  };
}

describe('createSession with the descope preset', () => {
  it('normalizes the layout', () => {
    const session = createSession(descopePayload(), 'tok', CLAIMS_PRESETS.descope);
    expect(session).toMatchObject({
      userId: 'U2abc',
      sessionId: 'S1',
      issuer: 'P2abc',
      audience: ['P2abc'],
      authMethods: ['email', 'mfa'],
      currentTenant: 'T1',
      roles: ['viewer'],
      permissions: ['projects.read'],
      token: 'tok',
    });
    expect(session.issuedAt).toEqual(new Date(now * 1000));
    expect(session.expiresAt).toEqual(new Date((now + 600) * 1000));
    expect(session.tenants.T1).toEqual({ roles: ['admin'], permissions: ['projects.write'] });
    expect(session.tenantId).toBeUndefined();
  });

  it('falls back to jti for the session id', () => {
    const { sid: _, ...payload } = descopePayload();
    expect(createSession(payload, 't', CLAIMS_PRESETS.descope).sessionId).toBe('J1');
  });

  it('is immutable all the way down', () => {
    const session = createSession(descopePayload({ nested: { deep: [1] } }), 't', CLAIMS_PRESETS.descope);
    expect(Object.isFrozen(session)).toBe(true);
    expect(Object.isFrozen(session.roles)).toBe(true);
    expect(Object.isFrozen(session.tenants)).toBe(true);
    expect(Object.isFrozen(session.tenants.T1!.roles)).toBe(true);
    expect(Object.isFrozen((session.claims.nested as { deep: number[] }).deep)).toBe(true);
    expect(() => (session.roles as string[]).push('admin')).toThrow(TypeError);
  });

  it('grants nothing from a role string or non-string members', () => {
    const session = createSession(descopePayload({ roles: 'superadmin', permissions: ['ok', 1, null, { a: 1 }] }), 't', CLAIMS_PRESETS.descope);
    expect(session.roles).toEqual([]);
    expect(session.permissions).toEqual(['ok']);
  });

  it('keeps prototype names out of tenants and never touches Object.prototype', () => {
    const payload = JSON.parse(
      '{"sub":"U","iss":"P","exp":9999999999,"tenants":{"__proto__":{"roles":["admin"]},"constructor":{"roles":["admin"]},"prototype":{},"toString":{"roles":["admin"]},"hasOwnProperty":{},"T1":{"roles":["r"]}}}',
    );
    const session = createSession(payload, 't', CLAIMS_PRESETS.descope);
    expect(Object.keys(session.tenants)).toEqual(['T1']);
    expect(session.tenants.toString).toBeUndefined();
    expect(session.tenants.constructor).toBeUndefined();
    expect(({} as Record<string, unknown>).roles).toBeUndefined();
  });

  it('lets a custom mapper place facts elsewhere, sanitized the same way', () => {
    const session = createSession(descopePayload({ groups: ['a', 2], org: 'T9' }), 't', (p) => ({ roles: p.groups, tenants: 'nope', currentTenant: p.org }));
    expect(session.roles).toEqual(['a']);
    expect(session.tenants).toEqual({});
    expect(session.currentTenant).toBe('T9');
    expect(session.authMethods).toEqual([]);
  });

  it('adds the request tenant without touching the verified session', () => {
    const session = createSession(descopePayload(), 't', CLAIMS_PRESETS.descope);
    const scoped = withTenant(session, 'T1');
    expect(scoped.tenantId).toBe('T1');
    expect(session.tenantId).toBeUndefined();
    expect(Object.isFrozen(scoped)).toBe(true);
    expect(withTenant(session, undefined)).toBe(session);
  });
});

describe('safe values', () => {
  it('splits OAuth scopes', () => {
    expect(scopeList('openid  read:x write:y')).toEqual(['openid', 'read:x', 'write:y']);
    expect(scopeList(['a', 1])).toEqual(['a']);
    expect(scopeList(undefined)).toEqual([]);
  });

  it('drops tenant entries that are not objects', () => {
    expect(Object.keys(tenantMap({ A: 'x', B: null, C: [], D: {} }))).toEqual(['D']);
    expect(stringArray('x')).toEqual([]);
  });

  it('freezes deeply nested JSON without recursion limits', () => {
    const deep = JSON.parse('['.repeat(20000) + ']'.repeat(20000));
    expect(Object.isFrozen(deepFreeze(deep))).toBe(true);
  });
});
