import { HttpException } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import fc from 'fast-check';
import { CLAIMS_PRESETS, SessionError, SessionGuard, SessionService, type Session, type TenantContext } from '../../lib/index.js';
import { createSession } from '../../lib/claims/session-factory.js';
import { checkPolicy } from '../../lib/requirements/policy-check.js';
import type { GrantRequirement } from '../../lib/requirements/route-metadata.js';
import type { RoutePolicy } from '../../lib/requirements/route-policy.js';
import { resolveTenant, type TenantResolution } from '../../lib/tenants/tenant-resolver.js';
import { ISSUER, makeKey, standardClaims, type TestKey } from '../support/keys.js';
import { forge, segment } from './support/forge.js';
import { prototypeSnapshot } from './support/prototype-snapshot.js';
import { AUDIENCE, startTarget, TargetController, type Target } from './support/target-app.js';

/** Run counts kept moderate: the whole file stays within a few seconds on two shared cores. */
const RUNS = { direct: 400, http: 60, guard: 300, model: 300, prototype: 150 };

// ---------------------------------------------------------------------------------------------
// Arbitraries

/** Names that matter (prototype names, case and Unicode look-alikes) mixed with arbitrary strings. */
const name = fc.oneof(
  fc.constantFrom('admin', 'Admin', 'user', 'billing:write', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'caf\u00E9', 'cafe\u0301', '', ' '),
  fc.string({ maxLength: 8 }),
);

/** A JSON object kept as ordered members, so "__proto__" can be an own member and duplicates stay duplicates. */
class JsonObject {
  constructor(readonly members: ReadonlyArray<readonly [string, unknown]>) {}
}

function render(value: unknown): string {
  if (value instanceof JsonObject) return `{${value.members.map(([key, member]) => `${JSON.stringify(key)}:${render(member)}`).join(',')}}`;
  if (Array.isArray(value)) return `[${value.map(render).join(',')}]`;
  return JSON.stringify(value) ?? 'null';
}

const memberName = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'roles', 'permissions', 'tenants', 'admin', 'polluted', 'toString', 'valueOf'), fc.string({ maxLength: 6 }));

const { json } = fc.letrec((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string({ maxLength: 6 }),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    name,
    fc.array(tie('json'), { maxLength: 4 }),
    fc.array(fc.tuple(memberName, tie('json')), { maxLength: 4 }).map((members) => new JsonObject(members)),
  ),
}));

/** Grant lists as tokens carry them, well-formed or not. */
const grantList = fc.oneof(fc.array(fc.oneof(name, fc.integer(), fc.constant(null)), { maxLength: 5 }), name, json, fc.constant(undefined));
const tenantId = fc.oneof(fc.constantFrom('t1', 't2', 'T1', '__proto__', 'constructor', 'prototype', 'toString', ''), fc.string({ maxLength: 5 }));
const tenantEntry = fc.oneof(
  fc.record({ roles: grantList, permissions: grantList }, { requiredKeys: [] }).map((entry) => new JsonObject(Object.entries(entry).filter(([, v]) => v !== undefined))),
  json,
);
const tenants = fc.oneof(fc.array(fc.tuple(tenantId, tenantEntry), { maxLength: 5 }).map((members) => new JsonObject(members)), json, fc.constant(undefined));

/** A payload (as JSON text) over the valid base, with arbitrary grants, tenants and dct. */
const grantClaims = fc.record({ roles: grantList, permissions: grantList, tenants, dct: fc.oneof(tenantId, json, fc.constant(undefined)) });

function payloadText(claims: Record<string, unknown>, base: Record<string, unknown>): string {
  const members = Object.entries(claims).filter(([, value]) => value !== undefined);
  return render(new JsonObject([...Object.entries(base), ...members]));
}

// ---------------------------------------------------------------------------------------------
// Reference model: what the docs promise, written plainly

const NEVER_TENANT_IDS = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface ModelSession {
  roles: string[];
  permissions: string[];
  tenants: Map<string, { roles: string[]; permissions: string[] }>;
  dct?: string;
}

function model(payload: Record<string, unknown>): ModelSession {
  const tenantsClaim = Object.hasOwn(payload, 'tenants') ? payload.tenants : undefined;
  const modelTenants = new Map<string, { roles: string[]; permissions: string[] }>();
  if (isObject(tenantsClaim)) {
    for (const [id, entry] of Object.entries(tenantsClaim)) {
      if (id === '' || NEVER_TENANT_IDS.has(id) || !isObject(entry)) continue;
      modelTenants.set(id, { roles: strings(entry.roles), permissions: strings(entry.permissions) });
    }
  }
  const dct = Object.hasOwn(payload, 'dct') && typeof payload.dct === 'string' && payload.dct !== '' ? payload.dct : undefined;
  const own = (key: string) => (Object.hasOwn(payload, key) ? payload[key] : undefined);
  return { roles: strings(own('roles')), permissions: strings(own('permissions')), tenants: modelTenants, ...(dct !== undefined && { dct }) };
}

function modelTenant(session: ModelSession, named: string | undefined): { id: string; roles: string[]; permissions: string[] } | 'tenant_not_member' | undefined {
  if (named !== undefined && named !== '') {
    const grants = session.tenants.get(named);
    return grants ? { id: named, ...grants } : 'tenant_not_member';
  }
  if (session.dct === undefined) return undefined;
  const grants = session.tenants.get(session.dct);
  return grants && { id: session.dct, ...grants };
}

function modelPolicy(policy: RoutePolicy, session: ModelSession, tenant: { roles: string[]; permissions: string[] } | undefined): string {
  if (policy.requireTenant && !tenant) return 'tenant_required';
  for (const kind of ['roles', 'permissions'] as const) {
    for (const requirement of policy.grants.filter((grant) => grant.kind === kind)) {
      const granted = requirement.scope === 'tenant' && tenant ? tenant[kind] : session[kind];
      const met = requirement.match === 'all'
        ? requirement.names.every((wanted) => granted.includes(wanted))
        : requirement.names.length === 0 || requirement.names.some((wanted) => granted.includes(wanted));
      if (!met) return kind === 'roles' ? 'missing_roles' : 'missing_permissions';
    }
  }
  return 'ok';
}

const requirement: fc.Arbitrary<GrantRequirement> = fc.record({
  kind: fc.constantFrom('roles', 'permissions'),
  match: fc.constantFrom('all', 'any'),
  names: fc.array(name, { maxLength: 3 }),
  scope: fc.constantFrom('tenant', 'top'),
});
const policy: fc.Arbitrary<RoutePolicy> = fc.record({
  access: fc.constant('required' as const),
  grants: fc.array(requirement, { maxLength: 3 }),
  requireTenant: fc.boolean(),
  claimValidators: fc.constant([]),
});

function outcomeOf(run: () => void): string {
  try {
    run();
    return 'ok';
  } catch (error) {
    if (error instanceof SessionError) return error.reason;
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------

describe('properties (fast-check)', () => {
  const prototypeBefore = prototypeSnapshot();
  let key: TestKey;
  let app: Target;
  let sessions: SessionService;
  let guard: SessionGuard;
  let valid: string;
  const base = () => ({ ...standardClaims({ aud: AUDIENCE }) });

  beforeAll(async () => {
    key = await makeKey('ES256', 'prop-key');
    app = await startTarget({ jwks: { keys: [key.publicJwk] } });
    sessions = app.app.get(SessionService);
    guard = app.app.get(SessionGuard);
    valid = await forge({ alg: 'ES256', kid: key.kid, typ: 'JWT' }, { ...base(), roles: ['admin'] }, key);
    await sessions.validateSession(valid);
  });
  afterAll(() => app.close());

  describe('every mutation of a valid token is refused', () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), part: fc.integer({ min: 0, max: 2 }), index: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
      fc.record({ kind: fc.constant('swap' as const), order: fc.constantFrom([1, 0, 2], [0, 2, 1], [2, 1, 0], [1, 2, 0], [2, 0, 1]) }),
      fc.record({ kind: fc.constant('alphabet' as const), to: fc.constantFrom(['+', '/'], ['-', '/'], ['+', '_'], ['=', '=']) }),
      fc.record({ kind: fc.constant('character' as const), index: fc.nat(), char: fc.string({ minLength: 1, maxLength: 1, unit: 'binary-ascii' }) }),
      fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat() }),
      fc.record({ kind: fc.constant('insert' as const), index: fc.nat(), text: fc.string({ minLength: 1, maxLength: 4 }) }),
      fc.record({ kind: fc.constant('reencode' as const), part: fc.integer({ min: 0, max: 1 }), as: fc.constantFrom('base64', 'hex', 'padded') }),
    );
    type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

    function mutate(token: string, m: Mutation): string {
      const parts = token.split('.');
      switch (m.kind) {
        case 'flip': {
          const bytes = Buffer.from(parts[m.part]!, 'base64url');
          bytes[m.index % bytes.length]! ^= 1 << m.bit;
          parts[m.part] = bytes.toString('base64url');
          return parts.join('.');
        }
        case 'swap':
          return m.order.map((i) => parts[i]).join('.');
        case 'alphabet':
          return token.replace(/-/g, m.to[0]!).replace(/_/g, m.to[1]!);
        case 'character': {
          const i = m.index % token.length;
          return token.slice(0, i) + m.char + token.slice(i + 1);
        }
        case 'truncate':
          return token.slice(0, m.keep % token.length);
        case 'insert': {
          const i = m.index % (token.length + 1);
          return token.slice(0, i) + m.text + token.slice(i);
        }
        case 'reencode': {
          const bytes = Buffer.from(parts[m.part]!, 'base64url');
          parts[m.part] = m.as === 'padded' ? bytes.toString('base64') : bytes.toString(m.as);
          return parts.join('.');
        }
      }
    }

    it('through SessionService (the guard path): a SessionError every time', async () => {
      await fc.assert(
        fc.asyncProperty(mutation, async (m) => {
          const mutated = mutate(valid, m);
          fc.pre(mutated !== valid);
          const outcome = await sessions.validateSession(mutated).then(
            () => 'accepted',
            (error: unknown) => (error instanceof SessionError ? 'refused' : error),
          );
          expect(outcome).toBe('refused');
        }),
        { numRuns: RUNS.direct },
      );
    });

    it('over HTTP: 401 every time', async () => {
      await fc.assert(
        fc.asyncProperty(mutation, async (m) => {
          const mutated = mutate(valid, m);
          fc.pre(mutated !== valid && /^[\x21-\x7e]*$/.test(mutated) && mutated.length > 0);
          const answer = await app.get('/me', { headers: { authorization: `Bearer ${mutated}` } });
          expect(answer.status).toBe(401);
        }),
        { numRuns: RUNS.http },
      );
    });
  });

  describe('the guard lets nothing but an HTTP exception escape', () => {
    const headerValue = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40, unit: 'binary' }), fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }));
    const tokenLike = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.tuple(json, json, fc.uint8Array({ maxLength: 80 })).map(([h, p, s]) => `${segment(render(h))}.${segment(render(p))}.${Buffer.from(s).toString('base64url')}`),
      fc.tuple(json, fc.constantFrom('ES256', 'none', 'HS256', 'RS256')).map(([h, alg]) => `${segment({ alg, kid: 'prop-key', extra: JSON.parse(render(h)) })}.${segment(base())}.`),
    );
    const request = fc.record({
      authorization: fc.oneof(headerValue, tokenLike.map((t) => `Bearer ${t}`), fc.constant(undefined)),
      cookie: fc.oneof(headerValue, tokenLike.map((t) => `DS=${t}`), tokenLike.map((t) => `DSR=${t}; DS=${t}`), fc.constant(undefined)),
      tenantHeader: fc.oneof(headerValue, fc.constant(undefined)),
      tenantParam: fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), json, fc.constant(undefined)),
      method: fc.constantFrom('GET', 'POST', 'DELETE', 'OPTIONS', 'weird'),
      origin: fc.oneof(fc.string({ maxLength: 20 }), fc.constant(undefined)),
    });
    const handlers = [TargetController.prototype.me, TargetController.prototype.admin, TargetController.prototype.tenantAdmin, TargetController.prototype.health];

    async function runGuard(headers: Record<string, unknown>, params: Record<string, unknown>, method: string, handler: (...args: never[]) => unknown): Promise<unknown> {
      const req = { headers: Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined)), params, method, url: '/fuzz' };
      const res = { setHeader: () => undefined, getHeader: () => undefined, appendHeader: () => undefined };
      const context = new ExecutionContextHost([req, res, () => undefined], TargetController, handler);
      return guard.canActivate(context).then(
        (result) => result,
        (error: unknown) => error,
      );
    }

    it('for arbitrary headers, cookies, tenant hints and methods: true, or a 401/403/503 HttpException', async () => {
      await fc.assert(
        fc.asyncProperty(request, fc.constantFrom(...handlers), async (r, handler) => {
          const result = await runGuard({ authorization: r.authorization, cookie: r.cookie, 'x-tenant-id': r.tenantHeader, origin: r.origin }, { tenantId: r.tenantParam }, r.method, handler);
          if (result === true) return;
          expect(result).toBeInstanceOf(HttpException);
          expect([401, 403, 503]).toContain((result as HttpException).getStatus());
        }),
        { numRuns: RUNS.guard },
      );
    });

    it('for arbitrary payloads signed by the real key: true, or a 401/403 HttpException', async () => {
      await fc.assert(
        fc.asyncProperty(grantClaims, fc.array(fc.tuple(memberName, json), { maxLength: 4 }), tenantId, async (claims, extra, param) => {
          const token = await forge({ alg: 'ES256', kid: key.kid }, payloadText({ ...claims, ...Object.fromEntries(extra) }, base()), key);
          for (const handler of handlers) {
            const result = await runGuard({ authorization: `Bearer ${token}` }, { tenantId: param }, 'GET', handler);
            if (result === true) continue;
            expect(result).toBeInstanceOf(HttpException);
            expect([401, 403]).toContain((result as HttpException).getStatus());
          }
        }),
        { numRuns: RUNS.guard / 3 },
      );
    });
  });

  describe('role, permission and tenant matching equals the reference model', () => {
    const resolution: TenantResolution = { param: 'tenantId', header: 'x-tenant-id', fromClaim: true };

    it('SessionService helpers, tenant resolution and route policies, for arbitrary claims', () => {
      fc.assert(
        fc.property(grantClaims, fc.array(name, { maxLength: 4 }), tenantId, fc.option(tenantId), fc.option(tenantId), policy, (claims, required, asked, param, header, route) => {
          const payload = JSON.parse(payloadText(claims, base())) as Record<string, unknown>;
          const session: Session = createSession(payload, 'token', CLAIMS_PRESETS.descope);
          const expected = model(payload);

          for (const kind of ['roles', 'permissions'] as const) {
            const [validate, matched, validateTenant, matchedTenant] =
              kind === 'roles'
                ? [sessions.validateRoles, sessions.getMatchedRoles, sessions.validateTenantRoles, sessions.getMatchedTenantRoles]
                : [sessions.validatePermissions, sessions.getMatchedPermissions, sessions.validateTenantPermissions, sessions.getMatchedTenantPermissions];
            expect(validate.call(sessions, session, required)).toBe(required.every((r) => expected[kind].includes(r)));
            expect(matched.call(sessions, session, required)).toEqual(required.filter((r) => expected[kind].includes(r)));
            const tenant = expected.tenants.get(asked);
            expect(validateTenant.call(sessions, session, asked, required)).toBe(tenant !== undefined && required.every((r) => tenant[kind].includes(r)));
            expect(matchedTenant.call(sessions, session, asked, required)).toEqual(tenant ? required.filter((r) => tenant[kind].includes(r)) : []);
          }
          expect(Object.keys(session.tenants).sort()).toEqual([...expected.tenants.keys()].sort());

          const hints = { param: () => param ?? undefined, header: () => header ?? undefined };
          const expectedTenant = modelTenant(expected, param ?? header ?? undefined);
          let resolved: TenantContext | undefined;
          const resolvedOutcome = outcomeOf(() => (resolved = resolveTenant(resolution, hints, session)));
          if (expectedTenant === 'tenant_not_member') {
            expect(resolvedOutcome).toBe('tenant_not_member');
            return;
          }
          expect(resolvedOutcome).toBe('ok');
          expect(resolved && { id: resolved.id, roles: [...resolved.roles], permissions: [...resolved.permissions] }).toEqual(expectedTenant);
          expect(outcomeOf(() => checkPolicy(route, session, resolved))).toBe(modelPolicy(route, expected, expectedTenant));
        }),
        { numRuns: RUNS.model },
      );
    });
  });

  it('nothing changes Object.prototype: arbitrary payloads with prototype names at any depth, through the whole path', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(memberName, json), { maxLength: 6 }), grantClaims, async (members, claims) => {
        const text = payloadText({ ...claims }, { ...base(), iss: ISSUER }).slice(0, -1) + (members.length ? ',' : '') + members.map(([k, v]) => `${JSON.stringify(k)}:${render(v)}`).join(',') + '}';
        const token = await forge({ alg: 'ES256', kid: key.kid }, text, key);
        const outcome = await sessions.validateSession(token).then(
          (session) => {
            sessions.validateTenantRoles(session, '__proto__', ['admin']);
            sessions.getMatchedTenantPermissions(session, 'constructor', ['x']);
            JSON.stringify(session);
            return 'accepted';
          },
          (error: unknown) => (error instanceof SessionError ? 'refused' : error),
        );
        expect(['accepted', 'refused']).toContain(outcome);
        expect(prototypeSnapshot()).toBe(prototypeBefore);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(({} as Record<string, unknown>).admin).toBeUndefined();
      }),
      { numRuns: RUNS.prototype },
    );
    expect(prototypeSnapshot()).toBe(prototypeBefore);
  });
});
