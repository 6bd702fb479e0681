import { Controller, Get } from '@nestjs/common';
import { CurrentSession, type Session } from '../../../lib/index.js';
import { call, type HttpAnswer, type TestApp } from '../../support/app.js';
import { HTTP_ADAPTERS, onAdapter } from './on-adapter.js';
import { ISSUER, makeKey, signSession, type TestKey } from '../../support/keys.js';
import { LoopbackServer } from '../../support/loopback-server.js';

@Controller()
class MeController {
  @Get('me') me(@CurrentSession() session: Session) { return { userId: session.userId }; }
}

/** `name -> { value, attributes }` of every `Set-Cookie` header, each read on its own. */
function setCookies(answer: HttpAnswer): Map<string, { value: string; attributes: string[] }> {
  const cookies = new Map<string, { value: string; attributes: string[] }>();
  for (const line of answer.headers.getSetCookie()) {
    const [pair, ...attributes] = line.split(';').map((part) => part.trim());
    const eq = pair!.indexOf('=');
    cookies.set(pair!.slice(0, eq), { value: decodeURIComponent(pair!.slice(eq + 1)), attributes: attributes.map((a) => a.toLowerCase()) });
  }
  return cookies;
}

/**
 * The cookies automatic refresh sets, on both platforms: Express appends them; Fastify's plain
 * reply (no @fastify/cookie) gets one `Set-Cookie` header per cookie, kept on refusals too.
 */
describe.each(HTTP_ADAPTERS)('automatic refresh cookies (%s)', (adapter) => {
  const { startApp } = onAdapter(adapter);
  let key: TestKey;
  let idp: LoopbackServer;
  let app: TestApp;
  /** What the token endpoint answers to a refresh grant: a new session token, or a refusal. */
  let grant: (refreshToken: string) => Promise<{ status: number; body: object }>;

  beforeAll(async () => {
    key = await makeKey('ES256');
    idp = await new LoopbackServer()
      .route('/token', (req, res) => {
        let form = '';
        req.on('data', (chunk: Buffer) => (form += chunk.toString()));
        req.on('end', async () => {
          const answer = await grant(new URLSearchParams(form).get('refresh_token') ?? '');
          res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
        });
      })
      .start();
    app = await startApp(
      { issuer: ISSUER, jwks: { keys: [key.publicJwk] }, clockTolerance: 0, autoRefresh: true, tokenEndpoint: `${idp.origin}/token`, clientId: 'web' },
      [MeController],
    );
  });
  afterAll(async () => {
    await app.close();
    await idp.stop();
  });

  it('an expired DS cookie with a DSR cookie: both new cookies are set, each as its own Set-Cookie header', async () => {
    grant = async (refreshToken) =>
      refreshToken === 'R1'
        ? { status: 200, body: { access_token: await signSession({ sub: 'U-refreshed' }, { key }), token_type: 'Bearer', expires_in: 300, refresh_token: 'R2' } }
        : { status: 400, body: { error: 'invalid_grant' } };
    const expired = await signSession({ sub: 'U-refreshed' }, { key, expiresIn: -60 });
    const answer = await call(`${app.url}/me`, { headers: { cookie: `DS=${expired}; DSR=R1` } });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ userId: 'U-refreshed' });
    expect(answer.headers.getSetCookie()).toHaveLength(2);
    const cookies = setCookies(answer);
    expect(cookies.get('DSR')?.value).toBe('R2');
    const fresh = cookies.get('DS')!.value;
    expect(fresh).not.toBe(expired);
    expect(cookies.get('DS')!.attributes).toEqual(expect.arrayContaining(['httponly', 'secure', 'samesite=strict']));

    // The browser sends the new cookie back: accepted as it is, no second refresh.
    const hits = idp.hits('/token');
    const next = await call(`${app.url}/me`, { headers: { cookie: `DS=${fresh}; DSR=R2` } });
    expect(next.status).toBe(200);
    expect(next.headers.getSetCookie()).toEqual([]);
    expect(idp.hits('/token')).toBe(hits);
  });

  it('a refused refresh: 401 refresh_failed, and both cookies are cleared on the refusal itself', async () => {
    grant = async () => ({ status: 400, body: { error: 'invalid_grant' } });
    const expired = await signSession({}, { key, expiresIn: -60 });
    const answer = await call(`${app.url}/me`, { headers: { cookie: `DS=${expired}; DSR=revoked` } });
    expect(answer.status).toBe(401);
    expect(answer.body.reason).toBe('refresh_failed');
    const cookies = setCookies(answer);
    for (const name of ['DS', 'DSR']) {
      expect(cookies.get(name)?.value).toBe('');
      expect(cookies.get(name)?.attributes).toContain('max-age=0');
    }
  });
});
