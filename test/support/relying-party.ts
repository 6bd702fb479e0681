import type { INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { ClientMetadata } from 'oidc-provider';
import type { Page } from 'playwright-core';
import { SessionModule, type LoginOptions, type SessionModuleOptions } from '../../lib/index.js';
import { createHttpApp, type HttpAdapterName } from './app.js';
import { RESOURCE, type OidcProviderServer } from './oidc-provider.js';

/** An app that logs users in at the test provider: its OAuth client. */
export interface RelyingParty {
  readonly id: string;
  readonly secret: string;
}

/** The provider's registration of the app: its callbacks (and post-logout URIs) on each of its origins. */
export function relyingPartyClient(rp: RelyingParty, origins: readonly string[], postLogoutPath = '/'): ClientMetadata {
  return {
    client_id: rp.id,
    client_secret: rp.secret,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: origins.map((origin) => `${origin}/auth/callback`),
    post_logout_redirect_uris: origins.map((origin) => `${origin}${postLogoutPath}`),
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: 'ES256',
  };
}

/** The module's options for the app at `origin`: the provider's access tokens, the login routes, and `extra`. */
export function relyingPartyOptions(
  provider: OidcProviderServer,
  rp: RelyingParty,
  origin: string,
  extra: Omit<SessionModuleOptions, 'login'> & { login?: Partial<LoginOptions> } = {},
): SessionModuleOptions {
  const { login, ...rest } = extra;
  return {
    issuer: provider.issuer,
    audience: RESOURCE,
    discovery: true,
    clientId: rp.id,
    clientSecret: rp.secret,
    ...rest,
    // prompt=consent: oidc-provider issues a refresh token for offline_access only then.
    login: { redirectUri: `${origin}/auth/callback`, authorizationParams: { prompt: 'consent' }, ...login },
  };
}

/** The app on `port` (known before it listens: the provider registered its callback). */
export async function startRelyingParty(options: SessionModuleOptions, controllers: Type[], adapter: HttpAdapterName, port: number): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [SessionModule.forRoot(options)], controllers }).compile();
  const app = await createHttpApp(moduleRef, adapter, false);
  await app.listen(port, '127.0.0.1');
  return app;
}

/** A same-origin form POST from the page, as a "Sign out" button submits it. */
export async function submitPostForm(page: Page, action: string): Promise<void> {
  await page.evaluate(`(() => {
    const form = document.createElement('form');
    form.method = 'POST';
    form.action = ${JSON.stringify(action)};
    document.body.append(form);
    form.submit();
  })()`);
}
