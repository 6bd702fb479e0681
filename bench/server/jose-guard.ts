import { Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { AppConfig } from './app-config.js';
import { bearerToken } from './tenant-roles.guard.js';

/**
 * The guard an application writes with jose alone, as its README shows: `jwtVerify` against
 * `createRemoteJWKSet` on every request, no cache of verified tokens.
 */
export function joseGuard(config: AppConfig) {
  const keySet = createRemoteJWKSet(new URL(config.jwksUri));
  const options = { issuer: config.issuer, audience: config.audience, algorithms: [config.algorithm ?? 'ES256'] };

  @Injectable()
  class JoseGuard implements CanActivate {
    async canActivate(context: ExecutionContext): Promise<boolean> {
      const request = context.switchToHttp().getRequest();
      const token = bearerToken(request);
      if (token === undefined) throw new UnauthorizedException();
      try {
        request.user = (await jwtVerify(token, keySet, options)).payload;
      } catch {
        throw new UnauthorizedException();
      }
      return true;
    }
  }
  return JoseGuard;
}
