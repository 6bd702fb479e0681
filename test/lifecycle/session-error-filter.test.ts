import { Controller, Get, Param } from '@nestjs/common';
import { Public, SessionError, SessionModule, type SessionErrorReason } from '../../lib/index.js';
import { call, HTTP_ADAPTERS, type TestApp } from '../support/app.js';
import { closeAfterAll } from '../support/app-pool.js';
import { ISSUER, makeKey, type TestKey } from '../support/keys.js';
import { compileModule, startNestApp } from '../support/nest-app.js';
import { expectRefusal } from '../support/refusal.js';

@Controller()
class ThrowingController {
  /** A controller (or a service it calls) failing with a SessionError, as `sessions.logout()` does in an outage. */
  @Get('fail/:reason')
  @Public()
  fail(@Param('reason') reason: SessionErrorReason): never {
    throw new SessionError(reason, { message: `failed with ${reason}` });
  }

  @Get('bug')
  @Public()
  bug(): never {
    throw new Error('a plain bug');
  }
}

/** Issue 11 item 5: a SessionError thrown from a controller is answered exactly as the guard answers it, never 500. */
describe.each(HTTP_ADAPTERS)('SessionErrorFilter (%s)', (adapter) => {
  let key: TestKey;
  const keep = closeAfterAll();

  async function app(extras: { errorFilter?: boolean } = {}): Promise<TestApp> {
    const module = SessionModule.forRoot({ issuer: ISSUER, jwks: { keys: [key.publicJwk] }, realm: 'orders', ...extras });
    return keep(await startNestApp({ imports: [module], controllers: [ThrowingController] }, { adapter }));
  }

  beforeAll(async () => {
    key = await makeKey('ES256');
  });

  it.each([
    [401, 'refresh_failed'],
    [401, 'token_revoked'],
    [503, 'provider_unavailable'],
    [503, 'revocation_unavailable'],
    [403, 'missing_roles'],
    [403, 'csrf_failed'],
  ] as const)('%d %s: status, body and WWW-Authenticate as the guard gives them', async (status, reason) => {
    const { url } = await app();
    const answer = await call(`${url}/fail/${reason}`);
    expectRefusal(answer, status, reason, { realm: 'orders' });
    expect(answer.body.message).toBe(`failed with ${reason}`);
  });

  it('refresh_failed challenges with Bearer error="invalid_token"; provider_unavailable has no challenge', async () => {
    const { url } = await app();
    expect((await call(`${url}/fail/refresh_failed`)).headers.get('www-authenticate')).toBe(
      'Bearer realm="orders", error="invalid_token", error_description="failed with refresh_failed"',
    );
    expect((await call(`${url}/fail/provider_unavailable`)).headers.get('www-authenticate')).toBeNull();
  });

  it('leaves every other error to Nest', async () => {
    const { url } = await app();
    expect(await call(`${url}/bug`)).toMatchObject({ status: 500, body: { statusCode: 500, message: 'Internal server error' } });
  });

  it('errorFilter: false registers no filter (the application handles SessionError itself)', async () => {
    const { url } = await app({ errorFilter: false });
    expect((await call(`${url}/fail/refresh_failed`)).status).toBe(500);
  });

  it('forRootAsync: errorFilter is read beside useFactory; from the factory it stops start-up', async () => {
    const useFactory = () => ({ issuer: ISSUER, jwks: { keys: [key.publicJwk] } });
    const off = keep(await startNestApp({ imports: [SessionModule.forRootAsync({ useFactory, errorFilter: false })], controllers: [ThrowingController] }, { adapter }));
    expect((await call(`${off.url}/fail/refresh_failed`)).status).toBe(500);
    const on = keep(await startNestApp({ imports: [SessionModule.forRootAsync({ useFactory })], controllers: [ThrowingController] }, { adapter }));
    expectRefusal(await call(`${on.url}/fail/refresh_failed`), 401, 'refresh_failed');

    const misplaced = compileModule({ imports: [SessionModule.forRootAsync({ useFactory: () => ({ ...useFactory(), errorFilter: false }) })] });
    await expect(misplaced).rejects.toThrow(/option "errorFilter" is read when the module is defined/);
  });
});
