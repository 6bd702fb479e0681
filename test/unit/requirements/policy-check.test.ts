import { CLAIMS_PRESETS, SessionError, authMethods, claimEquals, claimIncludes, maxAuthAge, mfa, type ClaimValidator, type Session } from '../../../lib/index.js';
import { createSession } from '../../../lib/claims/session-factory.js';
import { checkPolicy } from '../../../lib/requirements/policy-check.js';
import type { RoutePolicy } from '../../../lib/requirements/route-policy.js';
import { tenantContext } from '../../../lib/tenants/tenant-resolver.js';

const now = Math.floor(Date.now() / 1000);
const session: Session = createSession(
  {
    sub: 'U1', iss: 'P', exp: now + 60, iat: now - 30, auth_time: now - 600, amr: ['pwd', 'mfa'], plan: 'pro', features: ['beta'],
    roles: ['viewer'], permissions: ['read'],
    tenants: { T1: { roles: ['admin', 'viewer'], permissions: ['read', 'write'] } },
  },
  't',
  CLAIMS_PRESETS.descope,
);

function policy(overrides: Partial<RoutePolicy>): RoutePolicy {
  return { access: 'required', grants: [], requireTenant: false, claimValidators: [], ...overrides };
}

function outcome(p: RoutePolicy, tenantId?: string): string {
  try {
    checkPolicy(p, session, tenantId === undefined ? undefined : tenantContext(session, tenantId));
    return 'ok';
  } catch (error) {
    return error instanceof SessionError ? error.reason : 'crash';
  }
}

describe('checkPolicy', () => {
  it('checks roles at the top level without a tenant and in the tenant with one', () => {
    const admin = policy({ grants: [{ kind: 'roles', match: 'all', scope: 'tenant', names: ['admin'] }] });
    expect(outcome(admin)).toBe('missing_roles');
    expect(outcome(admin, 'T1')).toBe('ok');
  });

  it('checks top-level requirements at the top level even when a tenant resolved', () => {
    const platformAdmin = policy({ grants: [{ kind: 'roles', match: 'all', scope: 'top', names: ['admin'] }] });
    expect(outcome(platformAdmin, 'T1')).toBe('missing_roles');
    const reader = policy({ grants: [{ kind: 'permissions', match: 'all', scope: 'top', names: ['read'] }] });
    expect(outcome(reader, 'T1')).toBe('ok');
  });

  it('needs every name of an all-of requirement and one of an any-of', () => {
    const all = policy({ grants: [{ kind: 'permissions', match: 'all', scope: 'tenant', names: ['read', 'write'] }] });
    const any = policy({ grants: [{ kind: 'permissions', match: 'any', scope: 'tenant', names: ['write', 'delete'] }] });
    expect(outcome(all)).toBe('missing_permissions');
    expect(outcome(all, 'T1')).toBe('ok');
    expect(outcome(any)).toBe('missing_permissions');
    expect(outcome(any, 'T1')).toBe('ok');
    expect(outcome(policy({ grants: [{ kind: 'roles', match: 'all', scope: 'tenant', names: [] }] }))).toBe('ok');
  });

  it('matches names exactly: case and Unicode form count', () => {
    expect(outcome(policy({ grants: [{ kind: 'roles', match: 'all', scope: 'tenant', names: ['Viewer'] }] }))).toBe('missing_roles');
    expect(outcome(policy({ grants: [{ kind: 'roles', match: 'all', scope: 'tenant', names: ['vie\u0301wer'] }] }))).toBe('missing_roles');
  });

  it('refuses a route that needs a tenant when none resolved', () => {
    expect(outcome(policy({ requireTenant: true }))).toBe('tenant_required');
    expect(outcome(policy({ requireTenant: true }), 'T1')).toBe('ok');
  });

  it('names every failed validator, and counts a throwing one as failed', () => {
    const boom: ClaimValidator = { name: 'boom', validate: () => { throw new Error('x'); } };
    try {
      checkPolicy(policy({ claimValidators: [mfa(), claimEquals('plan', 'free'), boom] }), session, undefined);
      throw new Error('should have failed');
    } catch (error) {
      expect(error).toBeInstanceOf(SessionError);
      expect((error as SessionError).reason).toBe('claims_failed');
      expect((error as SessionError).failedValidators).toEqual(['claimEquals(plan)', 'boom']);
    }
  });
});

describe('claim validators', () => {
  it.each([
    [mfa(), true],
    [authMethods('webauthn', 'pwd'), true],
    [authMethods('webauthn'), false],
    [maxAuthAge(3600), true],
    [maxAuthAge(60), false],
    [claimEquals('plan', 'pro'), true],
    [claimEquals('plan', 'PRO'), false],
    [claimIncludes('features', 'beta'), true],
    [claimIncludes('plan', 'pro'), false],
    [claimEquals('toString', 'x'), false],
  ] as const)('case %#', (validator, expected) => {
    expect(validator.validate(session)).toBe(expected);
  });

  it('uses iat when auth_time is absent', () => {
    const noAuthTime = createSession({ sub: 'U', iss: 'P', exp: now + 60, iat: now - 30 }, 't', CLAIMS_PRESETS.descope);
    expect(maxAuthAge(60).validate(noAuthTime)).toBe(true);
    expect(maxAuthAge(10).validate(noAuthTime)).toBe(false);
  });

  it('refuses a nonsensical age', () => {
    expect(() => maxAuthAge(-1)).toThrow(TypeError);
  });
});
