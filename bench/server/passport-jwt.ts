import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard, PassportStrategy } from '@nestjs/passport';
import jwksRsa from 'jwks-rsa';
import passportJwt from 'passport-jwt';
import type { AppConfig } from './app-config.js';

/**
 * The usual Nest setup, as the docs of `@nestjs/passport` and `jwks-rsa` show it: a JWT strategy
 * whose key comes from the JWKS (cached, rate-limited), a global `AuthGuard('jwt')`, and a
 * roles guard reading route metadata through the `Reflector`.
 */
export function jwtStrategy(config: AppConfig) {
  @Injectable()
  class JwtStrategy extends PassportStrategy(passportJwt.Strategy, 'jwt') {
    constructor() {
      super({
        secretOrKeyProvider: jwksRsa.passportJwtSecret({
          cache: true,
          rateLimit: true,
          jwksRequestsPerMinute: 5,
          jwksUri: config.jwksUri,
        }),
        jwtFromRequest: passportJwt.ExtractJwt.fromAuthHeaderAsBearerToken(),
        issuer: config.issuer,
        audience: config.audience,
        algorithms: ['ES256', 'RS256'],
      });
    }

    validate(payload: Record<string, unknown>): Record<string, unknown> {
      return payload;
    }
  }
  return JwtStrategy;
}

@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {}

/** Roles the user must hold in the tenant named by the route's `tenantId`. */
export const TenantRoles = Reflector.createDecorator<string[]>();

interface TenantClaims {
  tenants?: Record<string, { roles?: string[] }>;
}

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
