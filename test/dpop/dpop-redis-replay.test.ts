import { Controller, Get } from '@nestjs/common';
import { CurrentSession, RedisRevocationStore, SessionModule, type Session, type SessionModuleOptions } from '../../lib/index.js';
import { call, type TestApp } from '../support/app.js';
import { DpopClientKey } from '../support/dpop-proof.js';
import { startNestApp } from '../support/nest-app.js';
import { OidcProviderServer, RESOURCE } from '../support/oidc-provider.js';
import { RedisServer } from '../support/redis-server.js';
import { expectDpopRefusal } from './dpop-expect.js';

@Controller()
class OrdersController {
  @Get('orders')
  orders(@CurrentSession('userId') userId: string) {
    return { userId };
  }
}

/** The proof's jti is claimed in Redis: exactly one of the instances sharing it accepts a proof. */
describe('DPoP proof replay across instances sharing a real redis-server', () => {
  let provider: OidcProviderServer;
  let redis: RedisServer;
  let key: DpopClientKey;
  let token: string;
  const apps: TestApp[] = [];

  async function instance(extra: Partial<SessionModuleOptions> = {}): Promise<TestApp> {
    const options: SessionModuleOptions = {
      issuer: provider.issuer,
      audience: RESOURCE,
      discovery: true,
      claims: 'oidc',
      dpop: 'required',
      revocationStore: new RedisRevocationStore({ url: redis.url, keyPrefix: 'dpop-test:', commandTimeoutMs: 300 }),
      ...extra,
    };
    const app = await startNestApp({ imports: [SessionModule.forRoot(options)], controllers: [OrdersController] });
    apps.push(app);
    return app;
  }

  /** The same proof sent to each app: the proof names one htu, so the apps share it (as behind one load balancer). */
  function send(app: TestApp, proof: string, htuBase: string) {
    return call(`${app.url}/orders`, { headers: { authorization: `DPoP ${token}`, dpop: proof, 'x-forwarded-host': new URL(htuBase).host } });
  }

  beforeAll(async () => {
    redis = await RedisServer.start();
    provider = await new OidcProviderServer().start();
    key = await DpopClientKey.create('ES256');
    token = (await provider.clientCredentialsToken(undefined, { dpop: await key.proof('POST', provider.tokenEndpoint) })).access_token;
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await provider?.stop();
    await redis?.dispose();
  });

  it('a proof accepted by one instance is refused by the other, also when both get it at once', async () => {
    const a = await instance({ dpopForwardedHeaders: 'x-forwarded' });
    const b = await instance({ dpopForwardedHeaders: 'x-forwarded' });
    const htu = 'http://api.example.test/orders';

    const proof = await key.proof('GET', htu, { accessToken: token });
    expect((await send(a, proof, htu)).status).toBe(200);
    expectDpopRefusal(await send(b, proof, htu), 'dpop_invalid', 'invalid_dpop_proof', /used before/);

    for (let round = 0; round < 5; round++) {
      const racing = await key.proof('GET', htu, { accessToken: token });
      const answers = await Promise.all([send(a, racing, htu), send(b, racing, htu), send(a, racing, htu), send(b, racing, htu)]);
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 401, 401, 401]);
    }
  });

  it('Redis down: fail closed is 503 revocation_unavailable, revocationFailOpen accepts the proof unchecked', async () => {
    const closed = await instance();
    const open = await instance({ revocationFailOpen: true });
    const proofFor = (app: TestApp) => key.proof('GET', `${app.url}/orders`, { accessToken: token });
    const direct = async (app: TestApp) => call(`${app.url}/orders`, { headers: { authorization: `DPoP ${token}`, dpop: await proofFor(app) } });
    expect((await direct(closed)).status).toBe(200);
    await redis.stop();
    try {
      const refused = await direct(closed);
      expect({ status: refused.status, reason: refused.body.reason }).toEqual({ status: 503, reason: 'revocation_unavailable' });
      expect((await direct(open)).status).toBe(200);
    } finally {
      await redis.restart();
    }
  });
});
