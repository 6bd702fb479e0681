import { jest } from '@jest/globals';
import type { JWSHeaderParameters } from 'jose';
import { SessionError } from '../../../lib/index.js';
import { RemoteKeySet, type RemoteKeySetSettings } from '../../../lib/keys/remote-key-set.js';
import { JwksServer } from '../../support/jwks-server.js';
import { makeKey, type TestKey } from '../../support/keys.js';
import { reasonOf } from '../../support/session-error.js';

/** Collects what the key layer logs. */
class LogCapture {
  readonly warnings: string[] = [];
  readonly infos: string[] = [];
  warn(message: unknown): void { this.warnings.push(String(message)); }
  log(message: unknown): void { this.infos.push(String(message)); }
}

const SECOND = 1000;
const settings = (overrides: Partial<RemoteKeySetSettings> = {}): RemoteKeySetSettings => ({
  fetchLimits: { timeoutMs: 2 * SECOND, maxBytes: 64 * 1024 },
  cooldownMs: 30 * SECOND,
  cacheMaxAgeMs: 600 * SECOND,
  maxStaleMs: 24 * 3600 * SECOND,
  algorithms: ['ES256', 'RS256'],
  ...overrides,
});

const failWith503 = (_req: unknown, res: import('node:http').ServerResponse) => { res.writeHead(503).end(); };

describe('RemoteKeySet: the life cycle of a provider key set', () => {
  let server: JwksServer;
  let log: LogCapture;
  let current: TestKey;
  let next: TestKey;
  const header = (key: TestKey): JWSHeaderParameters => ({ alg: key.alg, kid: key.kid });
  const keySet = (overrides?: Partial<RemoteKeySetSettings>) => new RemoteKeySet(new URL(server.url), settings(overrides), log);
  /** Moves only the clock jose and the key set read; network timers stay real. */
  const advance = (ms: number) => jest.setSystemTime(Date.now() + ms);

  beforeAll(async () => {
    current = await makeKey('ES256', 'current');
    next = await makeKey('ES256', 'next');
  });
  beforeEach(async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'queueMicrotask', 'hrtime', 'performance'] });
    server = await new JwksServer().start();
    server.keys = [current.publicJwk];
    log = new LogCapture();
  });
  afterEach(async () => {
    jest.useRealTimers();
    await server.stop();
  });

  it('fetches once and serves from cache until the max age, then fetches again', async () => {
    const keys = keySet();
    await keys.resolve(header(current));
    await keys.resolve(header(current));
    expect(server.hits).toBe(1);
    advance(601 * SECOND);
    await keys.resolve(header(current));
    expect(server.hits).toBe(2);
  });

  it('refetches on an unknown kid, then not again within the cooldown', async () => {
    const keys = keySet();
    await keys.resolve(header(current));
    advance(31 * SECOND);
    server.keys = [current.publicJwk, next.publicJwk];
    await expect(keys.resolve(header(next))).resolves.toHaveLength(1);
    expect(server.hits).toBe(2);
    expect(await reasonOf(keys.resolve({ alg: 'ES256', kid: 'unknown' }))).toBe('key_not_found');
    expect(server.hits).toBe(2);
    advance(31 * SECOND);
    expect(await reasonOf(keys.resolve({ alg: 'ES256', kid: 'unknown' }))).toBe('key_not_found');
    expect(server.hits).toBe(3);
  });

  it('keeps one request in flight for many concurrent look-ups of a new kid', async () => {
    const keys = keySet();
    await keys.resolve(header(current));
    advance(31 * SECOND);
    server.keys = [current.publicJwk, next.publicJwk];
    const results = await Promise.all(Array.from({ length: 25 }, () => keys.resolve(header(next))));
    expect(results.every((found) => found.length === 1)).toBe(true);
    expect(server.hits).toBe(2);
  });

  it('serves the last good keys while the endpoint fails, warns once, and stops at the maximum staleness', async () => {
    const keys = keySet({ maxStaleMs: 3600 * SECOND });
    await keys.resolve(header(current));
    server.handler = failWith503;
    advance(601 * SECOND);

    await expect(keys.resolve(header(current))).resolves.toHaveLength(1);
    expect(server.hits).toBe(2);
    // Within the cooldown after a failure: no request at all.
    for (let i = 0; i < 5; i++) await keys.resolve(header(current));
    expect(server.hits).toBe(2);
    // After it: one more attempt, still served, still one warning.
    advance(31 * SECOND);
    await keys.resolve(header(current));
    expect(server.hits).toBe(3);
    expect(log.warnings).toEqual([expect.stringMatching(/are unavailable: .*serving the last keys fetched/)]);

    advance(3600 * SECOND);
    expect(await reasonOf(keys.resolve(header(current)))).toBe('keys_unavailable');
    expect(await reasonOf(keys.resolve(header(current)))).toBe('keys_unavailable');
    expect(log.warnings).toHaveLength(2);
    expect(log.warnings[1]).toMatch(/last fetched more than 3600000 ms ago/);

    server.handler = undefined;
    advance(31 * SECOND);
    await expect(keys.resolve(header(current))).resolves.toHaveLength(1);
    expect(log.infos).toEqual([expect.stringMatching(/available again/)]);
  });

  it('does not serve stale keys at all with maxStaleMs 0', async () => {
    const keys = keySet({ maxStaleMs: 0 });
    await keys.resolve(header(current));
    server.handler = failWith503;
    advance(601 * SECOND);
    expect(await reasonOf(keys.resolve(header(current)))).toBe('keys_unavailable');
  });

  it('answers keys_unavailable when cold with the endpoint down, without a request per look-up', async () => {
    server.handler = failWith503;
    const keys = keySet();
    expect(await reasonOf(keys.resolve(header(current)))).toBe('keys_unavailable');
    expect(await reasonOf(keys.resolve(header(current)))).toBe('keys_unavailable');
    expect(server.hits).toBe(1);
    expect(log.warnings).toHaveLength(1);
    server.handler = undefined;
    advance(31 * SECOND);
    await expect(keys.resolve(header(current))).resolves.toHaveLength(1);
  });

  it('skips unusable keys with one summary line, however often the set is fetched', async () => {
    const weak = { kty: 'oct', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA', kid: 'hmac', alg: 'HS256' };
    const enc = { ...next.publicJwk, use: 'enc' };
    server.keys = [current.publicJwk, weak as never, enc];
    const keys = keySet();
    await keys.resolve(header(current));
    expect(await reasonOf(keys.resolve(header(next)))).toBe('key_not_found');
    advance(601 * SECOND);
    await keys.resolve(header(current));
    expect(server.hits).toBe(2);
    expect(log.warnings).toEqual([expect.stringMatching(/^Skipping 2 of 3 keys from .*: 1 symmetric \(first: kid "hmac".*; 1 not for signatures \(first: kid "next", it is for use "enc"/)]);
  });

  it('a set of 100,000 junk entries: one summary line per fetch, not one warning per entry', async () => {
    const junk = (tag: string) => Array.from({ length: 100_000 }, (_, i) => ({ kty: 'oct', kid: `${tag}${i}`, k: 'AAAA' }));
    server.keys = [current.publicJwk, ...(junk('a') as never[])];
    const keys = keySet({ fetchLimits: { timeoutMs: 10 * SECOND, maxBytes: 16 * 1024 * 1024 } });
    await keys.resolve(header(current));
    expect(log.warnings).toEqual([expect.stringMatching(/^Skipping 100000 of 100001 keys from .*: 100000 symmetric \(first: kid "a0", it is a symmetric \(oct\) key\)$/)]);
    server.keys = [current.publicJwk, ...(junk('b') as never[])];
    advance(601 * SECOND);
    await keys.resolve(header(current));
    expect(server.hits).toBe(2);
    expect(log.warnings).toHaveLength(2);
    expect(log.warnings[1]).toMatch(/first: kid "b0"/);
  });

  it('has no usable key (503) when the provider publishes only unusable ones', async () => {
    server.keys = [{ ...current.publicJwk, use: 'enc' }];
    const keys = keySet();
    expect(await reasonOf(keys.resolve(header(current)))).toBe('keys_unavailable');
    await expect(keys.prefetch()).rejects.toThrow(/publishes no usable key/);
  });

  it('prefetches: success fills the cache, failure rejects', async () => {
    const keys = keySet();
    await keys.prefetch();
    expect(server.hits).toBe(1);
    await keys.resolve(header(current));
    expect(server.hits).toBe(1);
    server.handler = failWith503;
    await expect(keySet().prefetch()).rejects.toThrow();
  });
});

describe('RemoteKeySet: what the fetch refuses', () => {
  let server: JwksServer;
  let key: TestKey;
  beforeAll(async () => {
    key = await makeKey('ES256', 'k');
  });
  beforeEach(async () => {
    server = await new JwksServer().start();
    server.keys = [key.publicJwk];
  });
  afterEach(() => server.stop());

  const resolveWith = (limits: Partial<RemoteKeySetSettings['fetchLimits']> = {}) =>
    reasonOf(new RemoteKeySet(new URL(server.url), settings({ fetchLimits: { timeoutMs: 2000, maxBytes: 64 * 1024, ...limits } }), new LogCapture()).resolve({ alg: 'ES256', kid: 'k' }));

  it('does not follow a redirect', async () => {
    const paths: string[] = [];
    server.handler = (req, res) => {
      paths.push(req.url!);
      if (req.url === '/moved') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [key.publicJwk] }));
      else res.writeHead(302, { location: '/moved' }).end();
    };
    expect(await resolveWith()).toBe('keys_unavailable');
    expect(paths).toEqual(['/.well-known/jwks.json']);
  });

  it('refuses a body over the size cap, declared or streamed', async () => {
    const padding = { keys: [key.publicJwk], padding: 'x'.repeat(20_000) };
    server.handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(padding));
    expect(await resolveWith({ maxBytes: 10_000 })).toBe('keys_unavailable');
    server.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(JSON.stringify(padding).slice(0, 9_000));
      res.end(JSON.stringify(padding).slice(9_000));
    };
    expect(await resolveWith({ maxBytes: 10_000 })).toBe('keys_unavailable');
    server.handler = undefined;
    expect(await resolveWith({ maxBytes: 10_000 })).toBe('accepted');
  });

  it('gives up on an endpoint that does not answer in time', async () => {
    server.handler = () => undefined;
    expect(await resolveWith({ timeoutMs: 200 })).toBe('keys_unavailable');
  });

  it('gives up on a body that trickles past the time limit', async () => {
    server.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"keys":[');
    };
    expect(await resolveWith({ timeoutMs: 200 })).toBe('keys_unavailable');
  });

  it('refuses a set that is not JSON or not a key set', async () => {
    server.handler = (_req, res) => res.writeHead(200).end('<html>');
    expect(await resolveWith()).toBe('keys_unavailable');
    server.handler = (_req, res) => res.writeHead(200).end('{"keys":"none"}');
    expect(await resolveWith()).toBe('keys_unavailable');
  });
});
