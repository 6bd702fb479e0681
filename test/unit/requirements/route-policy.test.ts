import { Controller, Get } from '@nestjs/common';
import {
  AnyPermission,
  AnyRole,
  OptionalSession,
  Permissions,
  Public,
  RequireClaims,
  RequireTenant,
  Roles,
  SkipGlobalClaims,
  mfa,
  type ClaimValidator,
} from '../../../lib/index.js';
import { RoutePolicies } from '../../../lib/requirements/route-policy.js';

const globalA: ClaimValidator = { name: 'globalA', validate: () => true };
const globalB: ClaimValidator = { name: 'globalB', validate: () => true };
const policies = new RoutePolicies([globalA, globalB]);

function policyOf(controller: new () => object, method: string) {
  return policies.forRoute(controller, (controller.prototype as Record<string, object>)[method]!);
}

@Roles('member')
@Controller()
class MemberController {
  @Get() plain() {}
  @Roles('admin') @Permissions('write') admin() {}
  @AnyRole('a', 'b') @AnyPermission('x') anyOf() {}
  @Public() health() {}
  @Public() @Roles('owner') contradictory() {}
  @OptionalSession() optional() {}
}

@Public()
@Controller()
class PublicController {
  open() {}
  @Roles('admin') guarded() {}
  @RequireTenant() tenantOnly() {}
}

@OptionalSession()
@SkipGlobalClaims('globalA')
class OptionalController {
  maybe() {}
  @RequireClaims(mfa()) needsMfa() {}
  @SkipGlobalClaims() noGlobals() {}
}

class InheritingController extends MemberController {
  @Roles('extra') own() {}
}

describe('route policies', () => {
  it('applies class and method grants together', () => {
    const policy = policyOf(MemberController, 'admin');
    expect(policy.access).toBe('required');
    // Decorators run bottom-up, so only membership is meaningful, not order.
    const grants = policy.grants.map((g) => [g.kind, g.match, ...g.names]);
    expect(grants).toHaveLength(3);
    expect(grants).toEqual(expect.arrayContaining([['roles', 'all', 'member'], ['roles', 'all', 'admin'], ['permissions', 'all', 'write']]));
    expect(policyOf(MemberController, 'plain').grants).toHaveLength(1);
  });

  it('keeps any-of requirements apart from all-of ones', () => {
    const policy = policyOf(MemberController, 'anyOf');
    const anyOf = policy.grants.filter((g) => g.match === 'any').map((g) => g.names);
    expect(anyOf).toEqual(expect.arrayContaining([['a', 'b'], ['x']]));
    expect(anyOf).toHaveLength(2);
  });

  it('lets a method opt out of its class with @Public, unless the method itself asks for something', () => {
    expect(policyOf(MemberController, 'health').access).toBe('public');
    const contradictory = policyOf(MemberController, 'contradictory');
    expect(contradictory.access).toBe('required');
    expect(contradictory.grants.map((g) => g.names[0])).toEqual(['member', 'owner']);
  });

  it('never lets a public class hide the requirements of its methods', () => {
    expect(policyOf(PublicController, 'open').access).toBe('public');
    expect(policyOf(PublicController, 'guarded')).toMatchObject({ access: 'required' });
    expect(policyOf(PublicController, 'tenantOnly')).toMatchObject({ access: 'required', requireTenant: true });
  });

  it('makes an optional route required when its class asks for grants', () => {
    expect(policyOf(MemberController, 'optional').access).toBe('required');
    expect(policyOf(OptionalController, 'maybe').access).toBe('optional');
    expect(policyOf(OptionalController, 'needsMfa').access).toBe('required');
  });

  it('drops global validators by name or all at once, and appends route validators', () => {
    expect(policyOf(MemberController, 'plain').claimValidators.map((v) => v.name)).toEqual(['globalA', 'globalB']);
    expect(policyOf(OptionalController, 'maybe').claimValidators.map((v) => v.name)).toEqual(['globalB']);
    expect(policyOf(OptionalController, 'needsMfa').claimValidators.map((v) => v.name)).toEqual(['globalB', 'mfa']);
    expect(policyOf(OptionalController, 'noGlobals').claimValidators).toEqual([]);
  });

  it('inherits class requirements in subclasses', () => {
    const policy = policyOf(InheritingController, 'own');
    expect(policy.grants.map((g) => g.names[0])).toEqual(['member', 'extra']);
  });

  it('compiles each route once', () => {
    expect(policyOf(MemberController, 'admin')).toBe(policyOf(MemberController, 'admin'));
  });
});
