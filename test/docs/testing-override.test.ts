import { Controller, Get, type INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Roles, SESSION_MODULE_OPTIONS, SessionModule, type SessionModuleOptions } from '../../lib/index.js';
import { call } from '../support/app.js';
import { ISSUER, makeKey, signSession, type TestKey } from '../support/keys.js';

/**
 * docs/testing.md "Testing the app's own module": an AppModule configured for the real provider is
 * tested unchanged by overriding SESSION_MODULE_OPTIONS with local keys, and nothing asks the real
 * provider for its keys.
 */
@Controller('reports')
class ReportsController {
  @Get()
  @Roles('analyst')
  list() {
    return [];
  }
}

@Module({
  imports: [
    SessionModule.forRoot({
      issuer: 'https://idp.invalid/P2abcDEF123',
      jwksUri: 'https://idp.invalid/v2/keys/P2abcDEF123',
    }),
  ],
  controllers: [ReportsController],
})
class AppModule {}

describe('docs/testing.md: overriding the options of the app module', () => {
  let key: TestKey;
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    key = await makeKey('ES256', 'override');
    const testOptions: SessionModuleOptions = { issuer: ISSUER, jwks: { keys: [key.publicJwk] } };
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideProvider(SESSION_MODULE_OPTIONS)
      .useValue(testOptions)
      .compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  });

  afterAll(() => app.close());

  it('accepts a token signed with the test keys, with the route requirements of the app', async () => {
    const analyst = await signSession({ roles: ['analyst'] }, { key });
    const member = await signSession({ roles: ['member'] }, { key });
    expect((await call(`${url}/reports`, { token: analyst })).status).toBe(200);
    expect((await call(`${url}/reports`, { token: member })).body.reason).toBe('missing_roles');
    expect((await call(`${url}/reports`)).body.reason).toBe('token_missing');
  });
});
