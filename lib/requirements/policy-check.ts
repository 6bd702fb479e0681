import type { Session, TenantContext } from '../claims/session.interface.js';
import { SessionError } from '../errors/session-error.js';
import { claimsRefusal } from '../step-up/claims-refusal.js';
import type { StepUpConfig } from '../step-up/step-up-options.js';
import { grantsAll, grantsAny } from './grant-matching.js';
import type { RoutePolicy } from './route-policy.js';

/**
 * Checks a verified session against a route: tenant, then roles, then permissions, then claim
 * validators (step-up ones answer 401, see `claimsRefusal`). `tenant` is the resolved tenant on a
 * tenant-scoped route (the guard passes `undefined` elsewhere): grants come from it when there is
 * one, else from the top level;
 * top-level requirements (`@TopLevelRoles`) always read the top level.
 */
export function checkPolicy(policy: RoutePolicy, session: Session, tenant: TenantContext | undefined, stepUp?: StepUpConfig): void {
  if (policy.requireTenant && !tenant) throw new SessionError('tenant_required');

  for (const kind of ['roles', 'permissions'] as const) {
    for (const requirement of policy.grants) {
      if (requirement.kind !== kind) continue;
      const inTenant = requirement.scope === 'tenant' ? tenant : undefined;
      const granted = inTenant ? inTenant[kind] : session[kind];
      const met = requirement.match === 'all' ? grantsAll(granted, requirement.names) : grantsAny(granted, requirement.names);
      if (!met) {
        const scope = inTenant ? ` in tenant "${inTenant.id}"` : '';
        const list = requirement.names.join(', ');
        throw new SessionError(kind === 'roles' ? 'missing_roles' : 'missing_permissions', {
          message: `Requires ${requirement.match === 'all' ? 'all' : 'one'} of the ${kind} [${list}]${scope}`,
        });
      }
    }
  }

  if (policy.claimValidators.length) {
    const failed = policy.claimValidators.filter((validator) => !passes(validator, session));
    if (failed.length) throw claimsRefusal(failed, stepUp);
  }
}

/** A validator that throws has failed: a refusal, never a 500. */
function passes(validator: { validate(session: Session): boolean }, session: Session): boolean {
  try {
    return validator.validate(session) === true;
  } catch {
    return false;
  }
}
