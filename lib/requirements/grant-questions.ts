import { isPlainRecord, tenantGrants } from '../claims/safe-values.js';
import type { Session, TenantGrants } from '../claims/session.interface.js';
import { grantsAll, matchedGrants } from './grant-matching.js';

/**
 * The role and permission questions of `SessionService`, with their arguments checked: JavaScript
 * callers (or a request body) can pass `'admin'` where `['admin']` belongs, and a helper that
 * read it as "nothing required" would answer `true`. A wrong type is a `TypeError` naming the
 * method and the argument, never an answer.
 */
type Grant = 'roles' | 'permissions';

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function session(method: string, value: unknown): Session {
  const ok = isPlainRecord(value) && Array.isArray(value.roles) && Array.isArray(value.permissions) && isPlainRecord(value.tenants);
  if (!ok) throw new TypeError(`SessionService.${method}: session must be a Session (from validateSession or @CurrentSession()), got ${kindOf(value)}`);
  return value as unknown as Session;
}

function names(method: string, argument: Grant, value: unknown): readonly string[] {
  if (Array.isArray(value) && value.every((name) => typeof name === 'string')) return value as string[];
  const got = Array.isArray(value) ? 'an array with a member that is not a string' : kindOf(value);
  const hint = typeof value === 'string' ? ` (write [${JSON.stringify(value.slice(0, 32))}])` : '';
  throw new TypeError(`SessionService.${method}: ${argument} must be an array of strings, got ${got}${hint}`);
}

function tenant(method: string, value: Session, tenantId: unknown): TenantGrants | undefined {
  if (typeof tenantId !== 'string') throw new TypeError(`SessionService.${method}: tenantId must be a string, got ${kindOf(tenantId)}`);
  return tenantGrants(value.tenants, tenantId);
}

/** All of `required` granted at the top level (`roles`, `permissions` of the token). */
export function validateGrants(method: string, grant: Grant, value: unknown, required: unknown): boolean {
  const checked = session(method, value);
  return grantsAll(checked[grant], names(method, grant, required));
}

/** All of `required` granted inside `tenantId`; `false` when the session is not a member. */
export function validateTenantGrants(method: string, grant: Grant, value: unknown, tenantId: unknown, required: unknown): boolean {
  const checked = session(method, value);
  const list = names(method, grant, required);
  const grants = tenant(method, checked, tenantId);
  return grants !== undefined && grantsAll(grants[grant], list);
}

/** Those of `required` granted at the top level, in the order asked. */
export function matchedTopLevelGrants(method: string, grant: Grant, value: unknown, required: unknown): string[] {
  const checked = session(method, value);
  return matchedGrants(checked[grant], names(method, grant, required));
}

/** Those of `required` granted inside `tenantId`; `[]` when the session is not a member. */
export function matchedTenantGrants(method: string, grant: Grant, value: unknown, tenantId: unknown, required: unknown): string[] {
  const checked = session(method, value);
  const list = names(method, grant, required);
  const grants = tenant(method, checked, tenantId);
  return grants ? matchedGrants(grants[grant], list) : [];
}
