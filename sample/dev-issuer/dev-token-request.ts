import { BadRequestException } from '@nestjs/common';

/** What `POST /dev/token` accepts; every field is optional. */
export interface DevTokenRequest {
  /** `sub`. Default `U-dev-user`. */
  readonly sub: string;
  /** Top-level `roles` and `permissions`. */
  readonly roles: string[];
  readonly permissions: string[];
  /** `tenants`: `{ t1: { roles: [...], permissions: [...] } }`. */
  readonly tenants: Record<string, { roles: string[]; permissions: string[] }>;
  /** `dct`, the user's current tenant. */
  readonly tenant?: string;
  /** `amr`. Default `["pwd"]`; add `"mfa"` to pass `@RequireClaims(mfa())`. */
  readonly amr: string[];
  /** Lifetime in seconds, 1 to 86400. Default 3600. */
  readonly ttl: number;
  /** Extra claims (e.g. `{ "suspended": true }`); they never replace the claims above, nor iss, aud, iat, exp. */
  readonly claims: Record<string, unknown>;
}

const NAME = /^[A-Za-z0-9_.:@-]{1,64}$/;
const FIELDS = new Set(['sub', 'roles', 'permissions', 'tenants', 'tenant', 'amr', 'ttl', 'claims']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function names(field: string, value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && NAME.test(item))) {
    throw new BadRequestException(`"${field}" must be an array of names (letters, digits, _ . : @ -)`);
  }
  return [...new Set(value as string[])];
}

function name(field: string, value: unknown): string {
  if (typeof value !== 'string' || !NAME.test(value)) {
    throw new BadRequestException(`"${field}" must be a name (letters, digits, _ . : @ -, up to 64)`);
  }
  return value;
}

/** Checks the JSON body; anything unexpected is a 400 that says which field. */
export function parseDevTokenRequest(body: unknown): DevTokenRequest {
  const input = body ?? {};
  if (!isRecord(input)) throw new BadRequestException('The body must be a JSON object');
  const unknown = Object.keys(input).filter((key) => !FIELDS.has(key));
  if (unknown.length) throw new BadRequestException(`Unknown fields: ${unknown.join(', ')}; known: ${[...FIELDS].join(', ')}`);

  const tenants: DevTokenRequest['tenants'] = {};
  if (input.tenants !== undefined) {
    if (!isRecord(input.tenants)) throw new BadRequestException('"tenants" must be an object: { "t1": { "roles": [...], "permissions": [...] } }');
    for (const [id, grants] of Object.entries(input.tenants)) {
      name('tenants key', id);
      if (!isRecord(grants)) throw new BadRequestException(`"tenants.${id}" must be an object`);
      tenants[id] = { roles: names(`tenants.${id}.roles`, grants.roles), permissions: names(`tenants.${id}.permissions`, grants.permissions) };
    }
  }
  const ttl = input.ttl ?? 3600;
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 1 || ttl > 86_400) {
    throw new BadRequestException('"ttl" must be a whole number of seconds from 1 to 86400');
  }
  if (input.claims !== undefined && !isRecord(input.claims)) throw new BadRequestException('"claims" must be an object');

  return {
    sub: input.sub === undefined ? 'U-dev-user' : name('sub', input.sub),
    roles: names('roles', input.roles),
    permissions: names('permissions', input.permissions),
    tenants,
    ...(input.tenant !== undefined && { tenant: name('tenant', input.tenant) }),
    amr: input.amr === undefined ? ['pwd'] : names('amr', input.amr),
    ttl,
    claims: { ...(input.claims as Record<string, unknown> | undefined) },
  };
}
