import type { IncomingMessage } from 'node:http';
import { type SessionModuleOptions } from '../../lib/index.js';
import { SessionOptions } from '../../lib/options/session-options.js';
import { TokenEndpointClient } from '../../lib/lifecycle/token-endpoint.client.js';
import { ProviderDirectory } from '../../lib/provider/provider-directory.js';
import { LoopbackServer } from '../support/loopback-server.js';
import { sessionErrorOf } from '../support/session-error.js';

interface Received {
  authorization?: string;
  contentType?: string;
  body: URLSearchParams;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => resolve(text));
  });
}

/** The refresh and revocation calls against a scripted endpoint: what is sent, and how each answer is classified. */
describe('TokenEndpointClient', () => {
  const server = new LoopbackServer();
  let received: Received[] = [];
  let answer: { status: number; body: string; headers?: Record<string, string> } = { status: 200, body: '{}' };

  beforeAll(async () => {
    const handler = async (req: IncomingMessage, res: import('node:http').ServerResponse) => {
      received.push({
        ...(req.headers.authorization !== undefined && { authorization: req.headers.authorization }),
        ...(req.headers['content-type'] !== undefined && { contentType: req.headers['content-type'] }),
        body: new URLSearchParams(await readBody(req)),
      });
      if (answer.status === 0) return; // never answers
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(answer.body);
    };
    server.route('/token', (req, res) => void handler(req, res));
    server.route('/revoke', (req, res) => void handler(req, res));
    await server.start();
  });

  afterAll(() => server.stop());

  beforeEach(() => {
    received = [];
  });

  function client(extra: Partial<SessionModuleOptions> = {}): TokenEndpointClient {
    const options = new SessionOptions({
      issuer: 'P2abc',
      publicKey: '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----',
      tokenEndpoint: `${server.origin}/token`,
      revocationEndpoint: `${server.origin}/revoke`,
      jwksTimeoutMs: 300,
      maxResponseBytes: 4096,
      ...extra,
    });
    return new TokenEndpointClient(options.lifecycle, new ProviderDirectory(options.issuerConfigs, options.keyFetch), options.keyFetch.fetchLimits);
  }


  it('client_secret_basic: form-urlencoded id and secret in Basic (RFC 6749 section 2.3.1), nothing in the body', async () => {
    answer = { status: 200, body: JSON.stringify({ access_token: 'at', refresh_token: 'rt2', token_type: 'Bearer' }) };
    const grant = await client({ clientId: 'my app', clientSecret: 'p:w%d' }).refresh('rt1');
    expect(grant).toEqual({ sessionToken: 'at', refreshToken: 'rt2' });
    expect(received[0]!.authorization).toBe(`Basic ${Buffer.from('my+app:p%3Aw%25d').toString('base64')}`);
    expect(received[0]!.contentType).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(received[0]!.body)).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt1' });
  });

  it('client_secret_post and public clients put their id (and secret) in the body', async () => {
    answer = { status: 200, body: JSON.stringify({ access_token: 'at', id_token: 'it', refresh_expires_in: 1800 }) };
    expect(await client({ clientId: 'c1', clientSecret: 's1', clientAuthMethod: 'client_secret_post' }).refresh('rt')).toEqual({ sessionToken: 'at', refreshExpiresIn: 1800 });
    expect(received[0]!.authorization).toBeUndefined();
    expect(Object.fromEntries(received[0]!.body)).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt', client_id: 'c1', client_secret: 's1' });

    expect((await client({ clientId: 'spa', sessionTokenFrom: 'id_token' }).refresh('rt')).sessionToken).toBe('it');
    expect(Object.fromEntries(received[1]!.body)).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt', client_id: 'spa' });
  });

  it('classifies answers: a 4xx refusal is refresh_failed with its OAuth error code; 5xx, garbage, redirects, oversize and silence are provider_unavailable', async () => {
    const refresh = () => sessionErrorOf(client({ clientId: 'spa' }).refresh('rt'));
    answer = { status: 400, body: JSON.stringify({ error: 'invalid_grant', error_description: 'grant revoked' }) };
    expect(await refresh()).toMatchObject({ reason: 'refresh_failed', providerError: 'invalid_grant', status: 401 });
    answer = { status: 401, body: JSON.stringify({ error: 'invalid_client' }) };
    expect(await refresh()).toMatchObject({ reason: 'refresh_failed', providerError: 'invalid_client' });
    answer = { status: 400, body: JSON.stringify({ error: 'evil "quoted" \\ code' }) };
    const odd = await refresh();
    expect(odd.reason).toBe('refresh_failed');
    expect(odd.providerError).toBeUndefined();
    answer = { status: 503, body: 'down' };
    expect(await refresh()).toMatchObject({ reason: 'provider_unavailable', status: 503 });
    answer = { status: 200, body: 'not json' };
    expect((await refresh()).reason).toBe('provider_unavailable');
    answer = { status: 200, body: JSON.stringify({ token_type: 'Bearer' }) };
    expect((await refresh()).reason).toBe('provider_unavailable');
    answer = { status: 302, body: '', headers: { location: 'https://elsewhere.example/token' } };
    expect((await refresh()).reason).toBe('provider_unavailable');
    answer = { status: 200, body: JSON.stringify({ access_token: 'x'.repeat(10_000) }) };
    expect((await refresh()).reason).toBe('provider_unavailable');
    answer = { status: 0, body: '' };
    expect((await refresh()).reason).toBe('provider_unavailable');
  });

  it('revokes with token_type_hint (RFC 7009); no endpoint means no call', async () => {
    answer = { status: 200, body: '' };
    expect(await client({ clientId: 'c1', clientSecret: 's1' }).revoke('rt', 'refresh_token')).toBe(true);
    expect(Object.fromEntries(received[0]!.body)).toEqual({ token: 'rt', token_type_hint: 'refresh_token' });
    expect(received[0]!.authorization).toMatch(/^Basic /);
    expect(await client({ revocationEndpoint: false }).revoke('rt', 'refresh_token')).toBe(false);
    expect(await client({ revocationEndpoint: undefined }).revoke('rt', 'refresh_token')).toBe(false);
    expect(received).toHaveLength(1);
    answer = { status: 400, body: JSON.stringify({ error: 'unsupported_token_type' }) };
    expect(await sessionErrorOf(client().revoke('rt', 'refresh_token'))).toMatchObject({ reason: 'provider_unavailable', providerError: 'unsupported_token_type' });
  });
});
