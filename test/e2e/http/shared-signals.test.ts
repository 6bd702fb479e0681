import { Controller, Get } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { CurrentSession, type Session } from '../../../lib/index.js';
import { call, type TestApp } from '../../support/app.js';
import { craftToken, ISSUER, makeKey, signSession, type TestKey } from '../../support/keys.js';
import { postSecurityEvent, RISC, SESSION_REVOKED, signLogoutToken, signSecurityEvent } from '../../support/pushed-tokens.js';
import { HTTP_ADAPTERS, onAdapter } from './on-adapter.js';

const AUDIENCE = 'https://orders.example/ssf';
const PATH = '/auth/security-events';
const AUTHORIZATION = 'Bearer transmitter-secret-0123456789';
const CREDENTIAL_CHANGE = `${RISC}credential-change`;

@Controller()
class MeController {
  @Get('me') me(@CurrentSession() session: Session) { return { userId: session.userId }; }
}

const user = (sub: string) => ({ format: 'iss_sub', iss: ISSUER, sub });

describe.each(HTTP_ADAPTERS)('Security Event Token push receiver (RFC 8935) over HTTP (%s)', (adapter) => {
  const { startApp } = onAdapter(adapter);
  let key: TestKey;
  let stranger: TestKey;
  let app: TestApp;
  const now = () => Math.floor(Date.now() / 1000);
  const me = async (sub: string, sid: string) => call(`${app.url}/me`, { token: await signSession({ sub, sid, iat: now() - 30 }, { key }) });
  const set = (claims: JWTPayload, options: { header?: Record<string, unknown>; omit?: string[]; key?: TestKey } = {}) =>
    signSecurityEvent(claims, AUDIENCE, { key, ...options });
  const post = (token: string, headers: Record<string, string> = {}) => postSecurityEvent(`${app.url}${PATH}`, token, { authorization: AUTHORIZATION, ...headers });

  beforeAll(async () => {
    [key, stranger] = await Promise.all([makeKey('ES256', 'ssf-key'), makeKey('ES256', 'ssf-key')]);
    app = await startApp(
      { issuer: ISSUER, jwks: { keys: [key.publicJwk] }, sharedSignals: { audience: AUDIENCE, authorizationHeader: AUTHORIZATION } },
      [MeController],
    );
  });
  afterAll(() => app.close());

  it('CAEP session-revoked naming a session (complex subject) ends that session only: 202, empty', async () => {
    const answer = await post(await set({ sub_id: { format: 'complex', user: user('U1'), session: { format: 'opaque', id: 'S-1' } }, events: { [SESSION_REVOKED]: { event_timestamp: now() } } }));
    expect(answer).toMatchObject({ status: 202, body: '' });
    expect(await me('U1', 'S-1')).toMatchObject({ status: 401, body: { reason: 'token_revoked' } });
    expect((await me('U1', 'S-2')).status).toBe(200);
  });

  it('CAEP session-revoked with an opaque session id ends that session', async () => {
    expect((await post(await set({ sub_id: { format: 'opaque', id: 'S-3' }, events: { [SESSION_REVOKED]: {} } }))).status).toBe(202);
    expect((await me('U9', 'S-3')).status).toBe(401);
  });

  it('CAEP session-revoked naming only the user ends every session of the user', async () => {
    expect((await post(await set({ sub_id: user('U2'), events: { [SESSION_REVOKED]: {} } }))).status).toBe(202);
    expect((await me('U2', 'S-a')).status).toBe(401);
    expect((await me('U2', 'S-b')).status).toBe(401);
  });

  it.each([
    ['RISC credential-change (SSF sub_id)', (sub: string) => ({ sub_id: user(sub), events: { [CREDENTIAL_CHANGE]: { credential_type: 'password', change_type: 'update' } } })],
    ['RISC account-disabled (subject in the event, earlier drafts)', (sub: string) => ({ events: { [`${RISC}account-disabled`]: { subject: { subject_type: 'iss_sub', format: 'iss_sub', iss: ISSUER, sub } } } })],
    ['RISC sessions-revoked', (sub: string) => ({ sub_id: user(sub), events: { [`${RISC}sessions-revoked`]: {} } })],
    ['CAEP credential-change', (sub: string) => ({ sub_id: user(sub), events: { 'https://schemas.openid.net/secevent/caep/event-type/credential-change': { credential_type: 'password', change_type: 'update' } } })],
  ])('%s ends every session of the user', async (_name, claims) => {
    const sub = `U-${randomUUID()}`;
    expect((await me(sub, 'S')).status).toBe(200);
    expect((await post(await set(claims(sub)))).status).toBe(202);
    expect(await me(sub, 'S')).toMatchObject({ status: 401, body: { reason: 'token_revoked' } });
    expect((await me('U-other', 'S')).status).toBe(200);
  });

  it('unknown events, and subjects of another issuer, are acknowledged and change nothing', async () => {
    expect((await post(await set({ sub_id: user('U3'), events: { 'https://schemas.openid.net/secevent/caep/event-type/token-claims-change': { claims: {} } } }))).status).toBe(202);
    expect((await post(await set({ sub_id: { format: 'iss_sub', iss: 'https://other.example', sub: 'U3' }, events: { [CREDENTIAL_CHANGE]: {} } }))).status).toBe(202);
    expect((await post(await set({ sub_id: { format: 'email', email: 'u3@example.com' }, events: { [CREDENTIAL_CHANGE]: {} } }))).status).toBe(202);
    expect((await me('U3', 'S')).status).toBe(200);
  });

  type Case = [name: string, make: (sub: string) => Promise<string> | string, err: string, headers: Record<string, string>];
  const revoking = (sub: string): JWTPayload => ({ sub_id: user(sub), events: { [CREDENTIAL_CHANGE]: {} } });
  const cases: Case[] = [
    ['signed by another key with the same kid', (sub) => set(revoking(sub), { key: stranger }), 'invalid_key', {}],
    ['signed by an unknown key', async (sub) => set(revoking(sub), { key: await makeKey('ES256', 'unknown') }), 'invalid_key', {}],
    ['unsigned (alg none)', (sub) => craftToken({ alg: 'none', typ: 'secevent+jwt' }, { iss: ISSUER, aud: AUDIENCE, iat: now(), jti: randomUUID(), ...revoking(sub) }), 'invalid_request', {}],
    ['from another issuer', (sub) => set({ ...revoking(sub), iss: 'https://evil.example' }), 'invalid_issuer', {}],
    ['for another audience', (sub) => set({ ...revoking(sub), aud: 'https://someone.else' }), 'invalid_audience', {}],
    ['without typ', (sub) => set(revoking(sub), { header: { typ: undefined } }), 'invalid_request', {}],
    ['typed JWT', (sub) => set(revoking(sub), { header: { typ: 'JWT' } }), 'invalid_request', {}],
    ['a logout token', (sub) => signLogoutToken({ sub }, AUDIENCE, { key }), 'invalid_request', {}],
    ['without jti', (sub) => set(revoking(sub), { omit: ['jti'] }), 'invalid_request', {}],
    ['without iat', (sub) => set(revoking(sub), { omit: ['iat'] }), 'invalid_request', {}],
    ['issued too long ago', (sub) => set({ ...revoking(sub), iat: now() - 7200 }), 'invalid_request', {}],
    ['expired', (sub) => set({ ...revoking(sub), exp: now() - 30 }), 'invalid_request', {}],
    ['without events', (sub) => set({ sub_id: user(sub) }), 'invalid_request', {}],
    ['with no event', (sub) => set({ sub_id: user(sub), events: {} }), 'invalid_request', {}],
    ['with an event that is not an object', (sub) => set({ sub_id: user(sub), events: { [CREDENTIAL_CHANGE]: true } }), 'invalid_request', {}],
    ['with a nonce', (sub) => set({ ...revoking(sub), nonce: 'n' }), 'invalid_request', {}],
    ['not a JWT', () => 'not-a-token', 'invalid_request', {}],
    ['sent as application/jwt', (sub) => set(revoking(sub)), 'invalid_request', { 'content-type': 'application/jwt' }],
    ['without the transmitter authorization', (sub) => set(revoking(sub)), 'authentication_failed', { authorization: 'Bearer wrong' }],
  ];

  it.each(cases)('refuses a SET %s: 400 with its RFC 8935 err, revokes nothing', async (_name, make, err, headers) => {
    const sub = `U-${randomUUID()}`;
    const answer = await post(await make(sub), headers);
    if (adapter === 'fastify' && headers['content-type'] !== undefined) {
      // Fastify answers a media type it has no parser for itself (415), before any route runs.
      expect(answer.status).toBe(415);
    } else {
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ err, description: expect.any(String) });
      expect(answer.headers.get('cache-control')).toBe('no-store');
    }
    expect((await me(sub, 'S')).status).toBe(200);
  });

  it('refuses a replayed SET', async () => {
    const token = await set({ sub_id: { format: 'opaque', id: 'S-replay' }, events: { [SESSION_REVOKED]: {} } });
    expect((await post(token)).status).toBe(202);
    expect(await post(token)).toMatchObject({ status: 400, body: { err: 'invalid_request', description: expect.stringContaining('replayed') } });
  });
});
