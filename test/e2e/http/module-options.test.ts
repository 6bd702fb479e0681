import { Controller, Get, Inject, Injectable, Module, UseGuards } from '@nestjs/common';
import {
  CurrentSession,
  Roles,
  SessionConfigError,
  SessionGuard,
  SessionModule,
  type SessionModuleOptions,
} from '../../../lib/index.js';
import { call, type TestApp } from '../../support/app.js';
import { HTTP_ADAPTERS, onAdapter } from './on-adapter.js';
import { ISSUER, makeKey, signSession, type TestKey } from '../../support/keys.js';
import { compileModule } from '../../support/nest-app.js';
import { expectRefusal } from '../../support/refusal.js';

@Controller()
class GuardedByDefaultController {
  @Get('me') me(@CurrentSession('userId') userId: string) { return { userId }; }
  @Roles('admin') @Get('admin') admin() { return { admin: true }; }
}

@Controller('open')
class UnguardedController {
  /** Without the global guard, a route without @UseGuards is not checked at all. */
  @Get() open(@CurrentSession() session: unknown) { return { hasSession: session !== undefined }; }
}

@UseGuards(SessionGuard)
@Controller('guarded')
class ExplicitlyGuardedController {
  @Get() me(@CurrentSession('userId') userId: string) { return { userId }; }
  @Roles('admin') @Get('admin') admin() { return { admin: true }; }
}

/** Stands for an application's configuration module (what `ConfigService` would be). */
const APP_CONFIG = Symbol('APP_CONFIG');
interface AppConfig {
  issuer: string;
  jwks: SessionModuleOptions['jwks'];
}

@Injectable()
class ConfigReader {
  reads = 0;
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}
  async sessionOptions(): Promise<SessionModuleOptions> {
    this.reads++;
    // Configuration often arrives asynchronously (a vault, a file).
    await new Promise<void>((resolve) => setImmediate(resolve));
    return { issuer: this.config.issuer, jwks: this.config.jwks };
  }
}

function configModule(config: AppConfig) {
  @Module({ providers: [{ provide: APP_CONFIG, useValue: config }, ConfigReader], exports: [ConfigReader] })
  class AppConfigModule {}
  return AppConfigModule;
}

describe.each(HTTP_ADAPTERS)('SessionModule options over HTTP (%s)', (adapter) => {
  const { startNestApp } = onAdapter(adapter);
  let key: TestKey;
  let jwks: { keys: [TestKey['publicJwk']] };
  const tokenFor = (claims = {}) => signSession(claims, { key });

  beforeAll(async () => {
    key = await makeKey('ES256');
    jwks = { keys: [key.publicJwk] };
  });

  describe('forRootAsync({ imports, inject, useFactory })', () => {
    let app: TestApp;
    let AppConfigModule: ReturnType<typeof configModule>;
    beforeAll(async () => {
      AppConfigModule = configModule({ issuer: ISSUER, jwks });
      app = await startNestApp({
        imports: [
          SessionModule.forRootAsync({
            imports: [AppConfigModule],
            inject: [ConfigReader],
            useFactory: (config: ConfigReader) => config.sessionOptions(),
          }),
        ],
        controllers: [GuardedByDefaultController],
      });
    });
    afterAll(() => app.close());

    it('builds the options from an injected provider, once', async () => {
      expect(app.app.get(ConfigReader, { strict: false }).reads).toBe(1);
    });

    it('registers the global guard', async () => {
      expectRefusal(await call(`${app.url}/me`), 401, 'token_missing');
      expect((await call(`${app.url}/me`, { token: await tokenFor({ sub: 'U-async' }) })).body).toEqual({ userId: 'U-async' });
      expectRefusal(await call(`${app.url}/admin`, { token: await tokenFor() }), 403, 'missing_roles');
    });
  });

  describe('globalGuard: false', () => {
    let syncApp: TestApp;
    let asyncApp: TestApp;
    beforeAll(async () => {
      [syncApp, asyncApp] = await Promise.all([
        startNestApp({
          imports: [SessionModule.forRoot({ issuer: ISSUER, jwks, globalGuard: false })],
          controllers: [UnguardedController, ExplicitlyGuardedController],
        }),
        startNestApp({
          imports: [SessionModule.forRootAsync({ useFactory: () => ({ issuer: ISSUER, jwks }), globalGuard: false })],
          controllers: [UnguardedController, ExplicitlyGuardedController],
        }),
      ]);
    });
    afterAll(() => Promise.all([syncApp.close(), asyncApp.close()]));

    it.each(['forRoot', 'forRootAsync'])('with %s, routes without @UseGuards are not checked', async (kind) => {
      const app = kind === 'forRoot' ? syncApp : asyncApp;
      const answer = await call(`${app.url}/open`);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ hasSession: false });
    });

    it.each(['forRoot', 'forRootAsync'])('with %s, @UseGuards(SessionGuard) checks the route and its decorators', async (kind) => {
      const app = kind === 'forRoot' ? syncApp : asyncApp;
      expectRefusal(await call(`${app.url}/guarded`), 401, 'token_missing');
      expect((await call(`${app.url}/guarded`, { token: await tokenFor({ sub: 'U-guarded' }) })).body).toEqual({ userId: 'U-guarded' });
      expectRefusal(await call(`${app.url}/guarded/admin`, { token: await tokenFor({ roles: ['user'] }) }), 403, 'missing_roles');
      expect((await call(`${app.url}/guarded/admin`, { token: await tokenFor({ roles: ['admin'] }) })).status).toBe(200);
    });
  });

  describe('start-up failures name the option', () => {
    /** Compiles an app module the way start-up does, and gives the error it stops with. */
    async function startUpError(imports: NonNullable<Parameters<typeof compileModule>[0]['imports']>): Promise<Error> {
      try {
        await compileModule({ imports, controllers: [GuardedByDefaultController] });
      } catch (error) {
        return error as Error;
      }
      throw new Error('the app started');
    }
    const forRoot = (options: Record<string, unknown>) => startUpError([SessionModule.forRoot(options as unknown as SessionModuleOptions)]);

    it.each<[string, () => Record<string, unknown>, RegExp]>([
      ['no key source', () => ({ issuer: ISSUER }), /"jwksUri"/],
      ['HS256 in algorithms without a secret', () => ({ issuer: ISSUER, jwks, algorithms: ['HS256'] }), /"secret"/],
      ['a secret shorter than 32 bytes', () => ({ issuer: ISSUER, secret: 'too-short-a-secret' }), /"secret".*32/],
      ['a Uint8Array secret shorter than 32 bytes', () => ({ issuer: ISSUER, secret: new Uint8Array(31) }), /"secret".*32/],
      ['the algorithm "none"', () => ({ issuer: ISSUER, jwks, algorithms: ['none'] }), /"algorithms"/],
      ['an unknown algorithm', () => ({ issuer: ISSUER, jwks, algorithms: ['RS256', 'XS999'] }), /"algorithms"/],
      ['an unknown claims preset', () => ({ issuer: ISSUER, jwks, claims: 'descopee' }), /"claims"/],
      ['an unknown option key (typo)', () => ({ issuer: ISSUER, jwksUrl: 'https://idp.example/jwks.json' }), /"jwksUrl"/],
      ['no issuer', () => ({ jwks }), /"issuer/],
    ])('%s', async (_name, options, message) => {
      const error = await forRoot(options());
      expect(error).toBeInstanceOf(SessionConfigError);
      expect(error.message).toMatch(message);
    });

    it('globalGuard returned from an async factory', async () => {
      const error = await startUpError([
        SessionModule.forRootAsync({ useFactory: async () => ({ issuer: ISSUER, jwks, globalGuard: false }) as SessionModuleOptions }),
      ]);
      expect(error).toBeInstanceOf(SessionConfigError);
      expect(error.message).toMatch(/"globalGuard"/);
    });

    it('an invalid option from an async factory stops start-up too', async () => {
      const error = await startUpError([SessionModule.forRootAsync({ useFactory: async () => ({ issuer: ISSUER }) as SessionModuleOptions })]);
      expect(error).toBeInstanceOf(SessionConfigError);
      expect(error.message).toMatch(/"jwksUri"/);
    });
  });
});
