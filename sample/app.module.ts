import { Module, type DynamicModule } from '@nestjs/common';
import { SessionModule } from '../lib/index.js';
import { AccountController } from './account/account.controller.js';
import { AdminController } from './admin/admin.controller.js';
import { AuthController } from './auth/auth.controller.js';
import { BillingController } from './billing/billing.controller.js';
import type { SampleConfig } from './config/sample-config.js';
import { DevIssuer } from './dev-issuer/dev-issuer.js';
import { DevIssuerModule } from './dev-issuer/dev-issuer.module.js';
import { DevLoginController } from './dev-issuer/dev-login.controller.js';
import { HealthController } from './health/health.controller.js';
import { ProjectsController } from './projects/projects.controller.js';
import { ProjectsService } from './projects/projects.service.js';
import { devIssuerSessionOptions, providerSessionOptions, SAMPLE_LOGIN_PATH } from './session-options.js';

/**
 * The sample application. An application of your own imports `SessionModule` from
 * 'nestjs-jwt-session'; the sample imports the library's source so that it runs from a clone.
 */
@Module({})
export class AppModule {
  static forConfig(config: SampleConfig): DynamicModule {
    const session =
      config.mode === 'dev-issuer'
        ? // The dev issuer's keys exist only once its provider has run: hence forRootAsync.
          SessionModule.forRootAsync({
            imports: [DevIssuerModule],
            inject: [DevIssuer],
            useFactory: (issuer: DevIssuer) => devIssuerSessionOptions(issuer, config),
            // The code flow's routes (GET /oidc/login ...), when the port is known: see devIssuerLogin.
            ...(config.port !== 0 && { loginRoutes: SAMPLE_LOGIN_PATH }),
          })
        : SessionModule.forRoot(providerSessionOptions(config));
    return {
      module: AppModule,
      imports: [session, ...(config.mode === 'dev-issuer' ? [DevIssuerModule] : [])],
      controllers: [
        HealthController,
        AccountController,
        ProjectsController,
        BillingController,
        AdminController,
        AuthController,
        ...(config.mode === 'dev-issuer' ? [DevLoginController] : []),
      ],
      providers: [ProjectsService],
    };
  }
}
