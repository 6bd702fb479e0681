import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

/** Roles the user must hold in the tenant named by the route's `tenantId`: the peers' roles guard. */
export const TenantRoles = Reflector.createDecorator<string[]>();

interface TenantClaims {
  tenants?: Record<string, { roles?: string[] }>;
}

/** Reads the claims another guard left on `request.user`, as a hand-written Nest roles guard does. */
@Injectable()
export class TenantRolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.reflector.get(TenantRoles, context.getHandler());
    if (!required) return true;
    const request = context.switchToHttp().getRequest<{ user?: TenantClaims; params: Record<string, string> }>();
    const granted = request.user?.tenants?.[request.params.tenantId ?? '']?.roles ?? [];
    return required.every((role) => granted.includes(role));
  }
}

/** The token of `Authorization: Bearer <token>`, as the hand-written peers read it. */
export function bearerToken(request: { headers: Record<string, string | string[] | undefined> }): string | undefined {
  const header = request.headers.authorization;
  return typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined;
}
