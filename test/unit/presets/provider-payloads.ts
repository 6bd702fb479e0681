/**
 * Access token payloads as each provider issues them (ids made up), the same ones docs/providers.md
 * shows. `iat`/`exp` are set when signed.
 */
export const PAYLOADS = {
  descope: {
    iss: 'https://api.descope.com/P2abcDEF123',
    sub: 'U2xk9f0aQ7Lm',
    aud: ['P2abcDEF123'],
    amr: ['email', 'mfa'],
    drn: 'DS',
    sid: 'S2f0e1d2c3b4',
    roles: ['support'],
    permissions: ['tickets:read'],
    dct: 'T2acme',
    tenants: {
      T2acme: { roles: ['admin'], permissions: ['projects:create', 'billing:read'] },
      T2beta: { roles: ['viewer'] },
    },
  },
  auth0: {
    iss: 'https://acme.eu.auth0.com/',
    sub: 'auth0|65a1f0c2b7e4d3a9c8f10e21',
    aud: ['https://api.acme.example', 'https://acme.eu.auth0.com/userinfo'],
    azp: 'Xk3fQ9rT2bV7nM1pL5sD8hJ4',
    scope: 'openid profile orders:read',
    permissions: ['orders:read', 'orders:write'],
    org_id: 'org_9Fh2kLw0QzT1xY3b',
    'https://api.acme.example/roles': ['support'],
  },
  keycloak: {
    iss: 'https://sso.example.com/realms/acme',
    sub: '5f0c9b1e-2d6a-4c55-9a3e-0c1f8d2b7e41',
    aud: ['orders-api', 'account'],
    typ: 'Bearer',
    azp: 'orders-web',
    sid: 'a3c1e0d2-7b8f-4e6a-9c5d-1f2e3a4b5c6d',
    acr: '1',
    realm_access: { roles: ['offline_access', 'uma_authorization', 'support'] },
    resource_access: {
      'orders-api': { roles: ['orders-admin'] },
      account: { roles: ['manage-account'] },
    },
    scope: 'openid profile email orders:read',
    organization: { acme: { id: '42c3e46f-8a1b-4c2d-9e3f-5a6b7c8d9e0f' } },
    preferred_username: 'jane',
  },
  supertokens: {
    iss: 'https://api.example.com/auth',
    sub: 'fa7a0841-b533-4478-95f2-a7f4b1d0c2e6',
    tId: 'public',
    sessionHandle: '1c8b5f7e-6c9d-4f5e-8a2b-3d4e5f6a7b8c',
    rsub: 'fa7a0841-b533-4478-95f2-a7f4b1d0c2e6',
    refreshTokenHash1: '9d3c0b7f1e2a4c6d8e0f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d3e5f7a9b1c3d',
    parentRefreshTokenHash1: null,
    antiCsrfToken: null,
    'st-role': { v: ['admin'], t: 1767225600000 },
    'st-perm': { v: ['orders:read', 'orders:write'], t: 1767225600000 },
    'st-ev': { v: true, t: 1767225600000 },
    'st-mfa': { c: { emailpassword: 1767225600000, 'otp-email': 1767225660000 }, v: true },
  },
  oidc: {
    iss: 'https://auth.example.com',
    sub: 'user_8f2k',
    aud: 'https://api.example.com',
    client_id: 'web-app',
    scope: 'openid orders:read orders:write',
    roles: ['support'],
    amr: ['pwd', 'otp'],
    sid: 'ses_41c9',
    jti: 'at_77x',
  },
} as const;

export type ProviderName = keyof typeof PAYLOADS;

/** A payload with a validity window, ready to sign or to map. */
export function withTimes<T extends object>(payload: T): T & { iat: number; exp: number } {
  const now = Math.floor(Date.now() / 1000);
  return { ...payload, iat: now, exp: now + 300 };
}
