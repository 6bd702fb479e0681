import { Logger } from '@nestjs/common';
import { DpopAdmission } from '../../lib/dpop/dpop-admission.js';
import { DpopProofCheck, type DpopProofRequest } from '../../lib/dpop/dpop-proof-check.js';
import { readDpopOptions } from '../../lib/dpop/dpop-options.js';
import { dpopRequestUrl } from '../../lib/dpop/dpop-request-url.js';
import { InMemoryReplayStore } from '../../lib/replay/in-memory-replay.store.js';
import { InMemoryRevocationStore, SessionConfigError, SessionError, type RequestCredentials, type Session } from '../../lib/index.js';
import { DpopClientKey } from '../support/dpop-proof.js';

const TOKEN = 'an-access-token';

function request(proof: string, overrides: Partial<DpopProofRequest> = {}): DpopProofRequest {
  return { method: 'GET', url: { scheme: 'https', host: 'api.example.test', path: '/orders?page=2' }, header: (name) => (name === 'dpop' ? proof : undefined), token: TOKEN, ...overrides };
}

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    return error instanceof SessionError ? error.reason : String(error);
  }
}

function headers(values: Record<string, string>): RequestCredentials {
  return { header: (name) => values[name], cookieHeader: undefined, raw: undefined };
}

describe('DpopProofCheck', () => {
  const config = readDpopOptions({ dpop: 'required' });
  let key: DpopClientKey;

  beforeAll(async () => {
    // The outage warnings are expected here.
    Logger.overrideLogger(false);
    key = await DpopClientKey.create('ES256');
  });

  it('compares htu after URL normalization (scheme and host case, default port), ignoring query and fragment', async () => {
    const check = new DpopProofCheck(config, 5, new InMemoryReplayStore(), false);
    const proof = await key.proof('GET', 'HTTPS://API.example.test:443/orders#top', { accessToken: TOKEN });
    await expect(check.check(request(proof))).resolves.toEqual({ jkt: key.jkt });
    const other = await key.proof('GET', 'https://api.example.test:8443/orders', { accessToken: TOKEN });
    expect(await reasonOf(check.check(request(other)))).toBe('dpop_invalid');
  });

  it('a replay store that cannot answer: 503 revocation_unavailable, or accepted with revocationFailOpen', async () => {
    const down = { claimOnce: () => Promise.reject(new Error('connection refused')) };
    const closed = new DpopProofCheck(config, 5, down, false);
    const open = new DpopProofCheck(config, 5, down, true);
    expect(await reasonOf(closed.check(request(await key.proof('GET', 'https://api.example.test/orders', { accessToken: TOKEN }))))).toBe('revocation_unavailable');
    expect(await reasonOf(open.check(request(await key.proof('GET', 'https://api.example.test/orders', { accessToken: TOKEN }))))).toBe('accepted');
    expect(await reasonOf(new DpopProofCheck(config, 5, undefined, false).check(request(await key.proof('GET', 'https://api.example.test/orders', { accessToken: TOKEN }))))).toBe('revocation_unavailable');
  });

  it('the iat window is dpopProofMaxAge plus clockTolerance', async () => {
    const check = new DpopProofCheck(readDpopOptions({ dpopProofMaxAge: 30 }), 5, new InMemoryReplayStore(), false);
    const now = Math.floor(Date.now() / 1000);
    const at = (iat: number) => key.proof('GET', 'https://api.example.test/orders', { accessToken: TOKEN, iat });
    expect(await reasonOf(check.check(request(await at(now - 33))))).toBe('accepted');
    expect(await reasonOf(check.check(request(await at(now - 40))))).toBe('dpop_invalid');
    expect(await reasonOf(check.check(request(await at(now + 3))))).toBe('accepted');
    expect(await reasonOf(check.check(request(await at(now + 10))))).toBe('dpop_invalid');
  });

  it('the request URL: Host and the connection by default; proxy headers only when configured', () => {
    const raw = { originalUrl: '/api/orders?x=1', socket: { encrypted: true } };
    const sent = headers({ host: 'internal:3000', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.example.test', forwarded: 'for=1.2.3.4;proto=https;host="public.example.test"' });
    expect(dpopRequestUrl(raw, sent, undefined)).toEqual({ scheme: 'https', host: 'internal:3000', path: '/api/orders?x=1' });
    expect(dpopRequestUrl({ url: '/o', socket: {} }, sent, 'x-forwarded')).toEqual({ scheme: 'https', host: 'api.example.test', path: '/o' });
    expect(dpopRequestUrl({ url: '/o', raw: { socket: {} } }, sent, 'forwarded')).toEqual({ scheme: 'https', host: 'public.example.test', path: '/o' });
    expect(dpopRequestUrl({ url: '/o' }, headers({}), undefined)).toBeUndefined();
  });

  it('options: only asymmetric proof algorithms, a long enough nonce secret, known modes', () => {
    expect(() => readDpopOptions({ dpopAlgorithms: ['HS256'] })).toThrow(SessionConfigError);
    expect(() => readDpopOptions({ dpopAlgorithms: ['none'] })).toThrow(/dpopAlgorithms/);
    expect(() => readDpopOptions({ dpopNonce: { secret: 'short' } })).toThrow(/dpopNonce.secret/);
    expect(() => readDpopOptions({ dpop: 'always' as never })).toThrow(/dpop/);
    expect(() => readDpopOptions({ dpopForwardedHeaders: 'x-real-ip' as never })).toThrow(/dpopForwardedHeaders/);
    expect(readDpopOptions({}).mode).toBeUndefined();
  });
});

describe('DpopAdmission where no proof can travel (WebSocket and microservice messages)', () => {
  const revocation = { store: new InMemoryRevocationStore(), failOpen: false };
  const admission = new DpopAdmission(readDpopOptions({ dpop: 'allowed' }), 5, revocation);
  const message = { header: () => undefined, cookieHeader: undefined, raw: {} };
  const session = (claims: Record<string, unknown>) => ({ token: 't', claims }) as unknown as Session;

  it('refuses a DPoP-bound token and every token where DPoP is required; an unbound Bearer token passes under allowed', async () => {
    expect(await reasonOf(admission.admit('allowed', 'other', message, session({ cnf: { jkt: 'k' } })))).toBe('dpop_invalid');
    expect(await reasonOf(admission.admit('allowed', 'dpop', message, session({ cnf: { jkt: 'k' } })))).toBe('dpop_invalid');
    expect(await reasonOf(admission.admit('required', 'other', message, session({})))).toBe('dpop_invalid');
    expect(await reasonOf(admission.admit('allowed', 'other', message, session({})))).toBe('accepted');
  });

  it('a revocation store without claimOnce cannot start with dpop on', () => {
    const store = { ...revocation.store, claimOnce: undefined } as never;
    expect(() => new DpopAdmission(readDpopOptions({ dpop: 'allowed' }), 5, { store, failOpen: false })).toThrow(/claimOnce/);
    expect(() => new DpopAdmission(readDpopOptions({}), 5, { store, failOpen: false })).not.toThrow();
  });
});
