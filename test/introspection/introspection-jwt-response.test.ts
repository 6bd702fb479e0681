import { Controller, Get } from '@nestjs/common';
import { CurrentSession, SessionModule } from '../../lib/index.js';
import { call, type TestApp } from '../support/app.js';
import { startNestApp } from '../support/nest-app.js';
import { OidcProviderServer } from '../support/oidc-provider.js';
import { expectRefusal } from '../support/refusal.js';
import { introspectingOptions } from './introspecting-app.js';

@Controller()
class OrdersController {
  @Get('orders')
  orders(@CurrentSession('userId') userId: string) {
    return { userId };
  }
}

/** RFC 9701: answers signed by the provider, verified with the issuer's keys; a plain JSON answer is then refused. */
describe('Introspection with signed answers (RFC 9701) from oidc-provider', () => {
  const providers: OidcProviderServer[] = [];
  const apps: TestApp[] = [];

  async function setUp(jwtIntrospection: boolean) {
    const provider = await new OidcProviderServer({ accessTokenFormat: 'opaque', jwtIntrospection }).start();
    providers.push(provider);
    const options = introspectingOptions(provider, { jwtResponse: true });
    const app = await startNestApp({ imports: [SessionModule.forRoot(options)], controllers: [OrdersController] });
    apps.push(app);
    return { provider, app };
  }

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await Promise.all(providers.map((provider) => provider.stop()));
  });

  it('a signed answer passes', async () => {
    const { provider, app } = await setUp(true);
    const { access_token: token } = await provider.authorizationCodeTokens('user-21');
    const answer = await call(`${app.url}/orders`, { token });
    expect(answer).toMatchObject({ status: 200, body: { userId: 'user-21' } });
  });

  it('a provider answering in plain JSON is not trusted: 503 provider_unavailable', async () => {
    const { provider, app } = await setUp(false);
    const { access_token: token } = await provider.authorizationCodeTokens('user-22');
    expectRefusal(await call(`${app.url}/orders`, { token }), 503, 'provider_unavailable');
  });
});
