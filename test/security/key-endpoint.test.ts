import type { ServerResponse } from 'node:http';
import type { SessionModuleOptions } from '../../lib/index.js';
import type { HttpAnswer } from '../support/app.js';
import { JwksServer, type JwksHandler } from '../support/jwks-server.js';
import { makeKey, signSession, type TestKey } from '../support/keys.js';
import { LoopbackServer } from '../support/loopback-server.js';
import { expectRefusal } from '../support/refusal.js';
import { startTarget, type Target } from './support/target-app.js';

const ISSUER_A = 'https://a.example';
const ISSUER_B = 'https://b.example';

/** Waits for `condition`, checking every 20 ms, failing after `timeoutMs`. */
async function waitFor(condition: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Every answer the guard gives here: 200, 401, 403, or 503 with `keys_unavailable`; never another 5xx. */
function expectNoServerError(answer: HttpAnswer): void {
  if (answer.status >= 500) expect({ status: answer.status, reason: answer.body?.reason }).toEqual({ status: 503, reason: 'keys_unavailable' });
}

/**
 * Issuer A's key endpoint misbehaves; issuer B's works. Whatever A's endpoint does, the guard
 * answers A's tokens with 503 keys_unavailable (nothing usable was ever fetched) and keeps
 * answering everything else: a public route and B's tokens.
 */
describe('hostile key endpoints', () => {
  let keyA: TestKey;
  let keyB: TestKey;
  let endpointA: JwksServer;
  let endpointB: JwksServer;
  let lure: LoopbackServer;
  /** Responses the slow endpoint never finished: ended when the test is over. */
  const hanging: ServerResponse[] = [];
  let bytesSent = 0;

  const options = (extra: Partial<SessionModuleOptions> = {}): SessionModuleOptions => ({
    issuer: undefined,
    issuers: [
      { issuer: ISSUER_A, jwksUri: endpointA.url },
      { issuer: ISSUER_B, jwksUri: endpointB.url },
    ],
    audience: undefined,
    jwksTimeoutMs: 300,
    ...extra,
  });
  const tokenA = (key = keyA) => signSession({ iss: ISSUER_A }, { key });
  const tokenB = () => signSession({ iss: ISSUER_B }, { key: keyB });

  /** A's token gets 503 keys_unavailable; meanwhile (while A's fetch may still be hanging) the rest is served. */
  async function expectOutageContained(app: Target): Promise<void> {
    const answerA = app.get('/me', { token: await tokenA() });
    const [health, b] = await Promise.all([app.get('/health'), app.get('/me', { token: await tokenB() })]);
    expect(health.status).toBe(200);
    expect({ status: b.status, userId: b.body.userId }).toEqual({ status: 200, userId: 'U1' });
    const a = await answerA;
    expectRefusal(a, 503, 'keys_unavailable');
    for (const answer of [health, b, a]) expectNoServerError(answer);
    // Still answering after the failure, and a token without a key source problem is judged as usual.
    expect((await app.get('/health')).status).toBe(200);
    expectRefusal(await app.get('/me'), 401, 'token_missing');
    expectRefusal(await app.get('/me', { token: 'x.y.z' }), 401, 'token_malformed');
  }

  beforeAll(async () => {
    [keyA, keyB] = await Promise.all([makeKey('ES256', 'a-key'), makeKey('ES256', 'b-key')]);
    endpointA = await new JwksServer().start();
    endpointB = await new JwksServer().start();
    endpointB.keys = [keyB.publicJwk];
    lure = await new LoopbackServer().json('/jwks.json', () => ({ keys: [keyA.publicJwk] })).start();
  });
  afterEach(() => {
    for (const res of hanging.splice(0)) res.destroy();
    endpointA.handler = undefined;
    endpointA.keys = [];
    bytesSent = 0;
  });
  afterAll(async () => {
    await Promise.all([endpointA.stop(), endpointB.stop(), lure.stop()]);
  });

  const HOSTILE: [string, JwksHandler][] = [
    ['slow beyond the timeout (never answers)', (_req, res) => void hanging.push(res)],
    ['slow beyond the timeout (headers, then a trickle)', (_req, res) => {
      hanging.push(res);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"keys":[');
      const trickle = setInterval(() => (res.destroyed ? clearInterval(trickle) : res.write(' ')), 50);
    }],
    ['garbage bytes', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x22, 0x6b]))],
    ['an HTML page', (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><body><h1>502 Bad Gateway</h1></body></html>')],
    ['a 500', (_req, res) => res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"internal"}')],
    ['a 404', (_req, res) => res.writeHead(404).end()],
    ['a 302 to a key set holding the right key', (_req, res) => res.writeHead(302, { location: `${lure.origin}/jwks.json` }).end()],
    ['a 301 to the same key set', (_req, res) => res.writeHead(301, { location: `${lure.origin}/jwks.json` }).end()],
    ['an enormous body (64 MiB, chunked)', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.from(`${JSON.stringify(keyA.publicJwk)},`.repeat(200));
      res.write('{"keys":[');
      const pump = () => {
        while (bytesSent < 64 * 1024 * 1024 && !res.destroyed) {
          bytesSent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (!res.destroyed) res.end('{}]}');
      };
      pump();
    }],
    ['an enormous declared length', (_req, res) => {
      hanging.push(res);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(2 ** 40) });
      res.write('{"keys":[');
    }],
    ['a hang-up mid-body', (_req, res) => {
      const body = JSON.stringify({ keys: [keyA.publicJwk] });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
      res.write(body.slice(0, body.length / 2), () => res.socket?.destroy());
    }],
    ['a dropped connection', (req) => req.socket.destroy()],
    ['JSON that is not a key set', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":"a-key"}')],
    ['an empty key set', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":[]}')],
    ['only unusable keys (use enc, oct)', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({ keys: [{ ...keyA.publicJwk, use: 'enc' }, { kty: 'oct', kid: 'a-key', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0' }] }),
    )],
  ];

  it.each(HOSTILE)('%s: 503 keys_unavailable for its tokens, everything else served', async (_name, handler) => {
    endpointA.handler = handler;
    const app = await startTarget(options());
    try {
      await expectOutageContained(app);
      expect(endpointA.hits).toBeGreaterThanOrEqual(1);
    } finally {
      await app.close();
    }
  });

  it('redirects are never followed: the key set they point to is never fetched', () => {
    // Runs after the 302 and 301 cases above.
    expect(lure.hits()).toBe(0);
  });

  it('an enormous body is not read to its end (read up to maxResponseBytes, then dropped)', async () => {
    endpointA.handler = HOSTILE.find(([name]) => name.startsWith('an enormous body'))![1];
    const app = await startTarget(options());
    try {
      expectRefusal(await app.get('/me', { token: await tokenA() }), 503, 'keys_unavailable');
      expect(bytesSent).toBeLessThan(64 * 1024 * 1024);
    } finally {
      await app.close();
    }
  });

  it('a key set just under maxResponseBytes is accepted; just over, refused', async () => {
    const padded = (size: number) => {
      const base = JSON.stringify({ keys: [keyA.publicJwk], padding: '' });
      return JSON.stringify({ keys: [keyA.publicJwk], padding: 'p'.repeat(size - base.length) });
    };
    endpointA.handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(padded(4096));
    const fits = await startTarget(options({ maxResponseBytes: 4096 }));
    const tooSmall = await startTarget(options({ maxResponseBytes: 4095 }));
    try {
      expect((await fits.get('/me', { token: await tokenA() })).status).toBe(200);
      expectRefusal(await tooSmall.get('/me', { token: await tokenA() }), 503, 'keys_unavailable');
    } finally {
      await fits.close();
      await tooSmall.close();
    }
  });

  describe('keys that change between fetches', () => {
    it('a rotation to a new kid is picked up; the retired kid then stops verifying', async () => {
      const next = await makeKey('ES256', 'a-key-2');
      endpointA.keys = [keyA.publicJwk];
      const app = await startTarget(options({ jwksCooldownMs: 0 }));
      try {
        expect((await app.get('/me', { token: await tokenA() })).status).toBe(200);
        endpointA.keys = [next.publicJwk];
        expect((await app.get('/me', { token: await tokenA(next) })).status).toBe(200);
        expectRefusal(await app.get('/me', { token: await tokenA() }), 401, 'key_not_found');
        expect((await app.get('/me', { token: await tokenB() })).status).toBe(200);
      } finally {
        await app.close();
      }
    });

    it('a kid reused for another key: once refreshed, only the new key verifies under it', async () => {
      const impostor = await makeKey('ES256', 'a-key');
      endpointA.keys = [keyA.publicJwk];
      const app = await startTarget(options({ jwksCooldownMs: 0, jwksCacheMaxAgeMs: 100 }));
      try {
        expect((await app.get('/me', { token: await tokenA() })).status).toBe(200);
        const hits = endpointA.hits;
        endpointA.keys = [impostor.publicJwk];
        await waitFor(async () => (await app.get('/me', { token: await tokenA(impostor) })).status === 200);
        expect(endpointA.hits).toBeGreaterThan(hits);
        expectRefusal(await app.get('/me', { token: await tokenA() }), 401, 'signature_invalid');
      } finally {
        await app.close();
      }
    });

    it('keys flipping on every fetch (a set, garbage, a set ...): every answer is 200, 401 or 503 keys_unavailable', async () => {
      const good = (_req: unknown, res: ServerResponse) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [keyA.publicJwk] }));
      const bad = HOSTILE.map(([, handler]) => handler).filter((_, i) => i >= 2 && i !== 8);
      let fetches = 0;
      endpointA.handler = (req, res) => (fetches++ % 2 === 0 ? good(req, res) : bad[(fetches >> 1) % bad.length]!(req, res));
      const app = await startTarget(options({ jwksCooldownMs: 0, jwksCacheMaxAgeMs: 50 }));
      try {
        const statuses = new Set<number>();
        await waitFor(async () => {
          const answers = await Promise.all([app.get('/me', { token: await tokenA() }), app.get('/me', { token: await tokenB() }), app.get('/health')]);
          answers.forEach(expectNoServerError);
          answers.forEach((answer) => statuses.add(answer.status));
          expect(answers[1]!.status).toBe(200);
          expect(answers[2]!.status).toBe(200);
          return fetches >= 8;
        });
        expect(statuses.has(200)).toBe(true);
      } finally {
        await app.close();
      }
    });
  });

  describe('stale-if-error: once keys were fetched, an outage does not refuse their tokens', () => {
    /** Answers, not failures: an empty set or one of unusable keys says the old keys are retired. */
    const retiringAnswers = ['an empty key set', 'only unusable keys (use enc, oct)'];
    const failures = HOSTILE.filter(([name]) => !name.includes('enormous body') && !retiringAnswers.includes(name));

    it.each(failures)('%s after a good fetch: tokens still accepted', async (_name, handler) => {
      endpointA.keys = [keyA.publicJwk];
      const app = await startTarget(options({ jwksCooldownMs: 0, jwksCacheMaxAgeMs: 50 }));
      try {
        expect((await app.get('/me', { token: await tokenA() })).status).toBe(200);
        const hits = endpointA.hits;
        endpointA.handler = handler;
        // Past the cache age, each request tries a refetch; the last good keys keep serving.
        await waitFor(async () => {
          const answer = await app.get('/me', { token: await tokenA() });
          expect(answer.status).toBe(200);
          return endpointA.hits > hits;
        });
        expect((await app.get('/me', { token: await tokenA() })).status).toBe(200);
        expect((await app.get('/me', { token: await tokenB() })).status).toBe(200);
      } finally {
        await app.close();
      }
    });

    it.each(HOSTILE.filter(([name]) => retiringAnswers.includes(name)))(
      '%s after a good fetch is an answer, not an outage: the old keys are retired (503 keys_unavailable, fail closed)',
      async (_name, handler) => {
        endpointA.keys = [keyA.publicJwk];
        const app = await startTarget(options({ jwksCooldownMs: 0, jwksCacheMaxAgeMs: 50 }));
        try {
          expect((await app.get('/me', { token: await tokenA() })).status).toBe(200);
          endpointA.handler = handler;
          await waitFor(async () => (await app.get('/me', { token: await tokenA() })).status === 503);
          expectRefusal(await app.get('/me', { token: await tokenA() }), 503, 'keys_unavailable');
          expect((await app.get('/me', { token: await tokenB() })).status).toBe(200);
        } finally {
          await app.close();
        }
      },
    );
  });

  describe('a hostile discovery document', () => {
    let idp: LoopbackServer;
    let discoveryKey: TestKey;
    const discoveryHandlers: [string, (origin: string) => Parameters<LoopbackServer['route']>[1]][] = [
      ['slow beyond the timeout', () => (_req, res) => void hanging.push(res)],
      ['a 302 to a valid document', (origin) => (_req, res) => res.writeHead(302, { location: `${origin}/elsewhere` }).end()],
      ['an enormous document', (origin) => (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer: origin, jwks_uri: `${origin}/jwks.json`, padding: 'p'.repeat(2 * 1024 * 1024) }))],
      ['HTML', () => (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>')],
      ['another issuer', () => (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer: 'https://evil.example', jwks_uri: `${lure.origin}/jwks.json` }))],
      ['a jwks_uri that redirects', (origin) => (req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer: origin, jwks_uri: `${origin}/redirect` }))],
    ];

    beforeAll(async () => {
      discoveryKey = await makeKey('ES256', 'd-key');
      idp = await new LoopbackServer()
        .json('/elsewhere', () => ({ issuer: idp.origin, jwks_uri: `${idp.origin}/jwks.json` }))
        .json('/jwks.json', () => ({ keys: [discoveryKey.publicJwk] }))
        .route('/redirect', (_req, res) => res.writeHead(302, { location: `${idp.origin}/jwks.json` }).end())
        .start();
    });
    afterAll(() => idp.stop());

    it.each(discoveryHandlers)('%s: 503 keys_unavailable for its tokens, everything else served', async (_name, makeHandler) => {
      idp.route('/.well-known/openid-configuration', makeHandler(idp.origin));
      const jwksHits = idp.hits('/jwks.json');
      const app = await startTarget({
        issuer: undefined,
        audience: undefined,
        jwksTimeoutMs: 300,
        issuers: [
          { issuer: idp.origin, discovery: true },
          { issuer: ISSUER_B, jwksUri: endpointB.url },
        ],
      });
      try {
        const answer = app.get('/me', { token: await signSession({ iss: idp.origin }, { key: discoveryKey }) });
        expect((await app.get('/health')).status).toBe(200);
        expect((await app.get('/me', { token: await tokenB() })).status).toBe(200);
        expectRefusal(await answer, 503, 'keys_unavailable');
        expect(idp.hits('/jwks.json')).toBe(jwksHits);
        expect(lure.hits()).toBe(0);
      } finally {
        await app.close();
      }
    });
  });
});
