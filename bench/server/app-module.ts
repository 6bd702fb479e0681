import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { RedisRevocationStore, SessionModule } from '../../lib/index.js';
import type { AppConfig } from './app-config.js';
import { BenchController } from './bench.controller.js';
import { fastJwtGuard } from './fast-jwt-guard.js';
import { joseGuard } from './jose-guard.js';
import { JwtAuthGuard, jwtStrategy } from './passport-jwt.js';
import { TenantRolesGuard } from './tenant-roles.guard.js';

@Module({})
class BenchAppModule {}

/** A peer's token guard, then the hand-written tenant roles guard reading `request.user`. */
function peerGuards(tokenGuard: Provider): Provider[] {
  return [tokenGuard, { provide: APP_GUARD, useClass: TenantRolesGuard }];
}

export async function appModule(config: AppConfig): Promise<DynamicModule> {
  const base = { module: BenchAppModule, controllers: [BenchController] };
  switch (config.variant) {
    case 'no-guard':
      return base;
    case 'session-guard':
    case 'session-guard-no-cache':
    case 'session-guard-redis': {
      // The in-memory revocation store is the default; the Redis one is shared between instances.
      const revocation = config.variant === 'session-guard-redis' ? { revocationStore: new RedisRevocationStore({ url: config.redisUrl! }) } : {};
      const cache = config.variant === 'session-guard-no-cache' ? { sessionCache: false as const } : {};
      return {
        ...base,
        imports: [
          SessionModule.forRoot({
            issuer: config.issuer,
            audience: config.audience,
            jwksUri: config.jwksUri,
            ...(config.algorithm && { algorithms: [config.algorithm] }),
            ...revocation,
            ...cache,
            ...(config.dpop && { dpop: config.dpop }),
          }),
        ],
      };
    }
    case 'jose-guard':
      return { ...base, providers: peerGuards({ provide: APP_GUARD, useClass: joseGuard(config) }) };
    case 'fast-jwt':
      return { ...base, providers: peerGuards({ provide: APP_GUARD, useClass: await fastJwtGuard(config) }) };
    case 'passport-jwt':
      return { ...base, imports: [PassportModule], providers: [jwtStrategy(config), ...peerGuards({ provide: APP_GUARD, useClass: JwtAuthGuard })] };
  }
}
