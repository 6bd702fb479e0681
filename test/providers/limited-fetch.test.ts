import { limitedFetch } from '../../lib/provider/limited-fetch.js';
import { LoopbackServer } from '../support/loopback-server.js';

describe('limitedFetch: every request to a provider is bounded', () => {
  let server: LoopbackServer;
  beforeEach(async () => {
    server = await new LoopbackServer().start();
  });
  afterEach(() => server.stop());

  const get = (path: string, limits = { timeoutMs: 1000, maxBytes: 1000 }) => limitedFetch(limits)(`${server.origin}${path}`);

  it('hands back the body of an answer within the limits', async () => {
    server.json('/doc', { hello: 'world' });
    const response = await get('/doc');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ hello: 'world' });
  });

  it('does not follow a redirect: the 3xx itself comes back', async () => {
    server.route('/from', (_req, res) => res.writeHead(301, { location: '/to' }).end());
    server.json('/to', { followed: true });
    const response = await get('/from');
    expect(response.status).toBe(301);
    expect(server.hits('/to')).toBe(0);
  });

  it('refuses a body declared larger than the cap without reading it', async () => {
    server.route('/big', (_req, res) => res.writeHead(200, { 'content-length': '5000' }).end('x'.repeat(5000)));
    await expect(get('/big')).rejects.toThrow(/exceeds 1000 bytes/);
  });

  it('refuses a streamed body once it passes the cap', async () => {
    server.route('/stream', (_req, res) => {
      res.writeHead(200);
      for (let i = 0; i < 10; i++) res.write('y'.repeat(200));
      res.end();
    });
    await expect(get('/stream')).rejects.toThrow(/exceeds 1000 bytes/);
    server.route('/exact', (_req, res) => res.writeHead(200).end('z'.repeat(1000)));
    expect(await (await get('/exact')).text()).toHaveLength(1000);
  });

  it('gives up when no answer comes in time', async () => {
    server.route('/silent', () => undefined);
    await expect(get('/silent', { timeoutMs: 150, maxBytes: 1000 })).rejects.toThrow();
  });

  it('gives up when the body does not finish in time', async () => {
    server.route('/slow-body', (_req, res) => {
      res.writeHead(200);
      res.write('{');
    });
    await expect(get('/slow-body', { timeoutMs: 150, maxBytes: 1000 })).rejects.toThrow();
  });

  it("honours the caller's own abort signal too", async () => {
    server.route('/silent', () => undefined);
    const controller = new AbortController();
    const pending = limitedFetch({ timeoutMs: 10_000, maxBytes: 1000 })(`${server.origin}/silent`, { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toThrow();
  });
});
