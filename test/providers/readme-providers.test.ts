import { readFileSync } from 'node:fs';
import { Controller, Get } from '@nestjs/common';
import {
  CurrentSession,
  auth0Claims,
  keycloakClaims,
  oidcClaims,
  type ClaimsMapper,
  type Session,
  type SessionModuleOptions,
} from '../../lib/index.js';
import { SessionOptions } from '../../lib/options/session-options.js';
import { call, startApp } from '../support/app.js';
import { makeKey, signSession, type TestKey } from '../support/keys.js';
import { PAYLOADS, type ProviderName } from '../unit/presets/provider-payloads.js';

/** The Scalekit example of docs/providers.md, as written there. */
const scalekitClaims: ClaimsMapper = (payload) => ({
  ...oidcClaims(payload),
  permissions: payload.permissions,
  tenants: typeof payload.oid === 'string' ? { [payload.oid]: { roles: payload.roles, permissions: payload.permissions } } : undefined,
  currentTenant: payload.oid,
});

/** Each section of docs/providers.md: the `forRoot` options it shows, and how the test sends the token. */
const SECTIONS: Record<string, { options: SessionModuleOptions; fixture?: ProviderName; cookie?: string }> = {
  Descope: {
    options: { issuer: ['P2abcDEF123', 'https://api.descope.com/P2abcDEF123'], jwksUri: 'https://api.descope.com/v2/keys/P2abcDEF123' },
    fixture: 'descope',
  },
  Auth0: {
    options: { issuer: 'https://acme.eu.auth0.com/', audience: 'https://api.acme.example', discovery: true, claims: auth0Claims({ rolesClaim: 'https://api.acme.example/roles' }) },
    fixture: 'auth0',
  },
  Keycloak: {
    options: { issuer: 'https://sso.example.com/realms/acme', audience: 'orders-api', discovery: true, claims: keycloakClaims({ clientId: 'orders-api' }) },
    fixture: 'keycloak',
  },
  SuperTokens: {
    options: { issuer: 'https://api.example.com/auth', jwksUri: 'https://api.example.com/auth/jwt/jwks.json', claims: 'supertokens', cookieName: 'sAccessToken' },
    fixture: 'supertokens',
    cookie: 'sAccessToken',
  },
  'Scalekit (OpenID Connect)': {
    options: { issuer: 'https://acme.scalekit.com', discovery: true, claims: scalekitClaims },
  },
  'Transmit Security (OpenID Connect)': {
    options: { issuer: 'https://userid.security', audience: 'https://api.acme.example', jwksUri: 'https://api.transmitsecurity.io/cis/oidc/jwks', claims: 'oidc' },
  },
};

/** `## Title` → the JSON blocks of that section of docs/providers.md ("# Identity providers"). */
function providerSections(): Map<string, unknown[]> {
  const page = readFileSync(new URL('../../docs/providers.md', import.meta.url), 'utf8');
  expect(page.startsWith('# Identity providers\n')).toBe(true);
  const sections = new Map<string, unknown[]>();
  for (const part of page.split('\n## ').slice(1)) {
    const title = part.slice(0, part.indexOf('\n')).trim();
    const blocks = [...part.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => JSON.parse(match[1]!) as unknown);
    sections.set(title, blocks);
  }
  return sections;
}

@Controller()
class GrantsController {
  @Get('grants')
  grants(@CurrentSession() session: Session) {
    return {
      roles: session.roles,
      permissions: session.permissions,
      currentTenant: session.currentTenant,
      tenants: session.tenants,
      authMethods: session.authMethods,
      sessionId: session.sessionId,
    };
  }
}

describe('docs/providers.md: each payload gives the grants the page states', () => {
  const sections = providerSections();
  let key: TestKey;
  beforeAll(async () => {
    key = await makeKey('RS256', 'provider-key');
  });

  it('has a section with a payload and its grants for every provider', () => {
    for (const title of Object.keys(SECTIONS)) expect({ title, blocks: sections.get(title)?.length }).toEqual({ title, blocks: 2 });
  });

  it.each(Object.keys(SECTIONS))('%s', async (title) => {
    const { options, fixture, cookie } = SECTIONS[title]!;
    const [payload, grants] = sections.get(title)! as [Record<string, unknown>, unknown];
    // The options shown are valid as they stand (no network at start-up) ...
    expect(() => new SessionOptions(options)).not.toThrow();
    // ... and the payload is the one the preset unit tests use.
    if (fixture) expect(payload).toEqual(PAYLOADS[fixture]);

    // The same options, with the provider's key given locally instead of fetched.
    const { jwksUri: _jwksUri, discovery: _discovery, ...offline } = options;
    const app = await startApp({ ...offline, jwks: { keys: [key.publicJwk] } }, [GrantsController]);
    try {
      const token = await signSession(payload, { key });
      const answer = await call(`${app.url}/grants`, cookie ? { headers: { cookie: `${cookie}=${token}` } } : { token });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual(grants);
    } finally {
      await app.close();
    }
  });
});
