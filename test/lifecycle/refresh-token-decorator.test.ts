import { Controller, Get } from '@nestjs/common';
import { Public, RefreshToken } from '../../lib/index.js';
import { call, HTTP_ADAPTERS, startApp, type TestApp } from '../support/app.js';
import { closeAfterAll } from '../support/app-pool.js';
import { ISSUER, makeKey, type TestKey } from '../support/keys.js';

@Controller()
class TokenController {
  @Get('refresh-token')
  @Public()
  read(@RefreshToken() refreshToken: string | undefined) {
    return { refreshToken: refreshToken ?? null };
  }
}

/** `@RefreshToken()`: the request's refresh cookie, by the module's own cookie name. */
describe.each(HTTP_ADAPTERS)('@RefreshToken() (%s)', (adapter) => {
  let key: TestKey;
  const keep = closeAfterAll();

  async function app(refreshCookieName?: string): Promise<TestApp> {
    return keep(await startApp({ issuer: ISSUER, jwks: { keys: [key.publicJwk] }, ...(refreshCookieName && { refreshCookieName }) }, [TokenController], [], adapter));
  }

  beforeAll(async () => {
    key = await makeKey('ES256');
  });


  it('reads the DSR cookie (percent-decoded), and is undefined without one', async () => {
    const { url } = await app();
    expect((await call(`${url}/refresh-token`, { headers: { cookie: 'DS=x; DSR=rt%2B1%3D; other=y' } })).body).toEqual({ refreshToken: 'rt+1=' });
    expect((await call(`${url}/refresh-token`, { headers: { cookie: 'DS=x' } })).body).toEqual({ refreshToken: null });
    expect((await call(`${url}/refresh-token`)).body).toEqual({ refreshToken: null });
  });

  it('follows refreshCookieName', async () => {
    const { url } = await app('app_refresh');
    expect((await call(`${url}/refresh-token`, { headers: { cookie: 'DSR=not-this; app_refresh=this-one' } })).body).toEqual({ refreshToken: 'this-one' });
  });
});
