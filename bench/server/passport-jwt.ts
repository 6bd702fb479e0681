import { Injectable } from '@nestjs/common';
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
        algorithms: [(config.algorithm ?? 'ES256') as 'ES256'],
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
