import type { TenantGrants } from './session.interface.js';

/**
 * Names that reach or shadow `Object.prototype` machinery (`__proto__`, `constructor`,
 * `toString`, `hasOwnProperty` ...) or a function's (`prototype`). They are never tenant ids,
 * so code that later copies tenants into plain objects cannot be tricked by them.
 */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

const EMPTY: readonly string[] = Object.freeze([]);

/** Only a real array counts; only its string members count. A lone string grants nothing. */
export function stringArray(value: unknown): readonly string[] {
  if (!Array.isArray(value)) return EMPTY;
  if (isFrozenStringList(value)) return value.length ? value : EMPTY;
  // An index loop into a plain array: `filter` would build an instance of a subclass (its species).
  const strings: string[] = [];
  for (let index = 0; index < value.length; index++) {
    const item: unknown = value[index];
    if (typeof item === 'string') strings.push(item);
  }
  return strings.length ? Object.freeze(strings) : EMPTY;
}

/**
 * A frozen, plain array of strings alone (a verified payload's arrays are frozen before mapping)
 * is used as is: no copy per token. A subclass or a hole is copied like anything else.
 */
function isFrozenStringList(value: unknown[]): value is string[] {
  if (!Object.isFrozen(value) || Object.getPrototypeOf(value) !== Array.prototype) return false;
  for (let index = 0; index < value.length; index++) if (typeof value[index] !== 'string') return false;
  return true;
}

/** Space-separated OAuth `scope` (RFC 6749 section 3.3), or an array of scopes. */
export function scopeList(value: unknown): readonly string[] {
  if (typeof value === 'string') return stringArray(value.split(' ').filter(Boolean));
  return stringArray(value);
}

export function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The tenants map, rebuilt on a null prototype from the token's own entries: a lookup of
 * `toString` or `constructor` finds nothing, and prototype names are never tenant ids.
 */
export function tenantMap(value: unknown): Readonly<Record<string, TenantGrants>> {
  const tenants: Record<string, TenantGrants> = Object.create(null);
  if (isPlainRecord(value)) {
    for (const id of Object.keys(value)) {
      const entry = value[id];
      if (PROTOTYPE_KEYS.has(id) || id.length === 0 || !isPlainRecord(entry)) continue;
      tenants[id] = Object.freeze({ roles: stringArray(entry.roles), permissions: stringArray(entry.permissions) });
    }
  }
  return Object.freeze(tenants);
}

/** The grants of one tenant, looked up among own keys only. */
export function tenantGrants(tenants: Readonly<Record<string, TenantGrants>>, tenantId: unknown): TenantGrants | undefined {
  return typeof tenantId === 'string' && Object.hasOwn(tenants, tenantId) ? tenants[tenantId] : undefined;
}

/** Freezes a parsed JSON value all the way down, iteratively (no recursion depth to exhaust). */
export function deepFreeze<T>(value: T): T {
  const pending: unknown[] = [value];
  while (pending.length) {
    const next = pending.pop();
    if (typeof next !== 'object' || next === null || Object.isFrozen(next)) continue;
    Object.freeze(next);
    for (const key of Object.keys(next)) pending.push((next as Record<string, unknown>)[key]);
  }
  return value;
}
