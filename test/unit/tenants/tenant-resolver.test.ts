import { CLAIMS_PRESETS, SessionError } from '../../../lib/index.js';
import { createSession } from '../../../lib/claims/session-factory.js';
import { resolveTenant, type TenantHints, type TenantResolution } from '../../../lib/tenants/tenant-resolver.js';

const session = createSession(
  { sub: 'U', iss: 'P', exp: 9999999999, dct: 'T2', tenants: { T1: { roles: ['admin'] }, T2: { roles: ['viewer'] } } },
  't',
  CLAIMS_PRESETS.descope,
);
const defaults: TenantResolution = { param: 'tenantId', header: 'x-tenant-id', fromClaim: true };

function hints(params: Record<string, string>, headers: Record<string, string>): TenantHints {
  return { param: (name) => params[name], header: (name) => headers[name] };
}

function resolved(resolution: TenantResolution, h: TenantHints, s = session): string | undefined {
  try {
    return resolveTenant(resolution, h, s)?.id;
  } catch (error) {
    return `refused:${(error as SessionError).reason}`;
  }
}

describe('resolveTenant', () => {
  it('takes the route parameter, then the header, then dct', () => {
    expect(resolved(defaults, hints({ tenantId: 'T1' }, { 'x-tenant-id': 'T2' }))).toBe('T1');
    expect(resolved(defaults, hints({}, { 'x-tenant-id': 'T1' }))).toBe('T1');
    expect(resolved(defaults, hints({}, {}))).toBe('T2');
  });

  it('gives the tenant its own grants', () => {
    expect(resolveTenant(defaults, hints({ tenantId: 'T1' }, {}), session)).toEqual({ id: 'T1', roles: ['admin'], permissions: [] });
  });

  it('refuses a tenant the session is not a member of, prototype names included', () => {
    for (const id of ['T3', '__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(resolved(defaults, hints({ tenantId: id }, {}))).toBe('refused:tenant_not_member');
      expect(resolved(defaults, hints({}, { 'x-tenant-id': id }))).toBe('refused:tenant_not_member');
    }
  });

  it('resolves nothing from a dct the session has no entry for', () => {
    const stray = createSession({ sub: 'U', iss: 'P', exp: 9999999999, dct: 'T9', tenants: {} }, 't', CLAIMS_PRESETS.descope);
    expect(resolved(defaults, hints({}, {}), stray)).toBeUndefined();
  });

  it('honours switched-off sources', () => {
    const headerOnly: TenantResolution = { param: false, header: 'x-org', fromClaim: false };
    expect(resolved(headerOnly, hints({ tenantId: 'T1' }, {}))).toBeUndefined();
    expect(resolved(headerOnly, hints({}, { 'x-org': 'T1' }))).toBe('T1');
  });
});
