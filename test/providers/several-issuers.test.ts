import { Controller, Get } from '@nestjs/common';
import { SignJWT } from 'jose';
import { CurrentSession, keycloakClaims, type Session } from '../../lib/index.js';
import { call, startApp, type TestApp } from '../support/app.js';
import { JwksServer } from '../support/jwks-server.js';
import { makeKey, signSession, type TestKey } from '../support/keys.js';
import { expectRefusal } from '../support/refusal.js';

@Controller()
class MeController {
  @Get('me')
  me(@CurrentSession() session: Session) {
    return { issuer: session.issuer, roles: session.roles };
  }
}

const A = 'https://a.example';
const B = 'https://b.example/realms/acme';

describe('several issuers, each with its own keys, audience and claims', () => {
  let keyA: TestKey;
  let keyB: TestKey;
  let jwksA: JwksServer;
  let jwksB: JwksServer;
  let app: TestApp;
  const me = (token: string) => call(`${app.url}/me`, { token });
  const keyRequests = () => jwksA.hits + jwksB.hits;

  beforeAll(async () => {
    keyA = await makeKey('ES256', 'a');
    keyB = await makeKey('ES256', 'b');
    jwksA = await new JwksServer().start();
    jwksA.keys = [keyA.publicJwk];
    jwksB = await new JwksServer().start();
    jwksB.keys = [keyB.publicJwk];
    app = await startApp(
      {
        issuers: [
          { issuer: A, audience: 'orders-api', jwksUri: jwksA.url, claims: 'descope' },
          { issuer: B, audience: 'orders-api', jwksUri: jwksB.url, claims: keycloakClaims({ clientId: 'orders-api' }) },
        ],
        sessionCache: false,
      },
      [MeController],
    );
  });
  afterAll(async () => {
    await app.close();
    await jwksA.stop();
    await jwksB.stop();
  });

  it('refuses an unlisted iss, or none, as issuer_mismatch without a single key request', async () => {
    expectRefusal(await me(await signSession({ iss: 'https://c.example', aud: 'orders-api' }, { key: keyA })), 401, 'issuer_mismatch');
    expectRefusal(await me(await signSession({ iss: undefined, aud: 'orders-api' }, { key: keyA })), 401, 'issuer_mismatch');
    expectRefusal(await me(await signSession({ iss: 42 as never, aud: 'orders-api' }, { key: keyA })), 401, 'issuer_mismatch');
    expect(keyRequests()).toBe(0);
  });

  it("verifies each issuer's token with its keys and maps it with its preset", async () => {
    const fromA = await me(await signSession({ iss: A, aud: 'orders-api', roles: ['a-role'] }, { key: keyA }));
    expect(fromA.body).toEqual({ issuer: A, roles: ['a-role'] });
    const fromB = await me(await signSession({ iss: B, aud: 'orders-api', realm_access: { roles: ['b-realm'] }, resource_access: { 'orders-api': { roles: ['b-client'] } } }, { key: keyB }));
    expect(fromB.body).toEqual({ issuer: B, roles: ['b-realm', 'b-client'] });
    expect(jwksA.hits).toBe(1);
    expect(jwksB.hits).toBe(1);
  });

  it("refuses a token signed with B's key that claims to come from A", async () => {
    // B's kid: A's set has no such key.
    expectRefusal(await me(await signSession({ iss: A, aud: 'orders-api' }, { key: keyB })), 401, 'key_not_found');
    // A's kid on B's signature: A's key does not verify it.
    expectRefusal(await me(await signSession({ iss: A, aud: 'orders-api' }, { key: keyB, header: { kid: 'a' } })), 401, 'signature_invalid');
    // No kid at all: A's only key is tried, and fails.
    const noKid = await new SignJWT({ iss: A, sub: 'U1', aud: 'orders-api', exp: Math.floor(Date.now() / 1000) + 60 })
      .setProtectedHeader({ alg: 'ES256' })
      .sign(keyB.privateKey);
    expectRefusal(await me(noKid), 401, 'signature_invalid');
    expect(jwksB.hits).toBe(1);
  });

  it("applies each issuer's own audience", async () => {
    expectRefusal(await me(await signSession({ iss: B, aud: 'billing-api' }, { key: keyB })), 401, 'audience_mismatch');
  });
});
