import { Controller, Get } from '@nestjs/common';
import {
  CurrentSession,
  Permissions,
  Public,
  Roles,
  Tenant,
  type Session,
  type SessionModuleExtras,
  type SessionModuleOptions,
  type TenantContext,
} from '../../../lib/index.js';
import { call, startApp, type HttpAnswer, type TestApp } from '../../support/app.js';
import { ISSUER } from '../../support/keys.js';
import { expectRefusal } from '../../support/refusal.js';

export const AUDIENCE = 'api://security-suite';

/** The routes every hostile input is aimed at: what a session shows, and what it grants. */
@Controller()
export class TargetController {
  @Public() @Get('health') health() {
    return { ok: true };
  }

  @Get('me') me(@CurrentSession() session: Session) {
    return {
      userId: session.userId,
      issuer: session.issuer,
      audience: session.audience,
      roles: session.roles,
      permissions: session.permissions,
      tenants: Object.keys(session.tenants),
      expiresAt: session.expiresAt.toISOString(),
    };
  }

  @Roles('admin') @Get('admin') admin() {
    return { admin: true };
  }

  @Permissions('billing:write') @Get('billing') billing() {
    return { billing: true };
  }

  @Roles('admin') @Get('tenants/:tenantId/admin') tenantAdmin(@Tenant() tenant: TenantContext) {
    return { tenant: tenant.id };
  }

  @Get('tenants/:tenantId') tenant(@Tenant() tenant: TenantContext | undefined) {
    return { tenant: tenant?.id ?? null };
  }
}

export interface Target extends TestApp {
  get(path: string, init?: { token?: string; headers?: Record<string, string> }): Promise<HttpAnswer>;
}

/** A real Nest app over Express on loopback with the target routes and these options. */
export async function startTarget(options: SessionModuleOptions & SessionModuleExtras): Promise<Target> {
  const app = await startApp({ issuer: ISSUER, audience: AUDIENCE, ...options }, [TargetController]);
  return { ...app, get: (path, init = {}) => call(`${app.url}${path}`, init) };
}

/** A 401 as the contract describes it, with the token (when long enough to tell) kept out of the answer. */
export function expectInvalid(answer: HttpAnswer, reason: string, token?: string, secrets: string[] = []): void {
  expectRefusal(answer, 401, reason, { secrets: [...(token && token.length > 20 ? [token] : []), ...secrets] });
}

/** A 401 whose reason is one of `reasons` (when more than one answer is right), otherwise as `expectInvalid`. */
export function expectInvalidAmong(answer: HttpAnswer, reasons: string[], token?: string): void {
  expect({ status: answer.status, oneOf: reasons.includes(answer.body?.reason) }).toEqual({ status: 401, oneOf: true });
  expectInvalid(answer, answer.body.reason, token);
}
