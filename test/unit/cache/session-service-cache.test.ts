import 'reflect-metadata';
import { jest } from '@jest/globals';
import { Test } from '@nestjs/testing';
import type { JWTPayload } from 'jose';
import { CLAIMS_PRESETS, SessionError, SessionModule, SessionService, type SessionModuleOptions } from '../../../lib/index.js';
import { ISSUER, makeKey, signSession, type TestKey } from '../../support/keys.js';
import { reasonOf } from '../../support/session-error.js';

async function serviceWith(options: Omit<SessionModuleOptions, 'issuer'>): Promise<SessionService> {
  const moduleRef = await Test.createTestingModule({
    imports: [SessionModule.forRoot({ issuer: ISSUER, globalGuard: false, ...options })],
  }).compile();
  return moduleRef.get(SessionService);
}

describe('SessionService with the verified-session cache', () => {
  let key: TestKey;
  let mapped: number;
  /** Counts full verifications: the claims mapper runs once per verified token, never on a hit. */
  const countingClaims = (payload: Readonly<JWTPayload>) => {
    mapped++;
    return CLAIMS_PRESETS.descope(payload);
  };

  beforeAll(async () => {
    key = await makeKey('ES256');
  });
  beforeEach(() => {
    mapped = 0;
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('verifies a token once and then answers from the cache', async () => {
    const service = await serviceWith({ jwks: { keys: [key.publicJwk] }, claims: countingClaims });
    const token = await signSession({ roles: ['admin'] }, { key });
    const first = await service.validateSession(token);
    const second = await service.validateSession(token);
    expect(second).toBe(first);
    expect(second.roles).toEqual(['admin']);
    expect(mapped).toBe(1);
  });

  it('with sessionCache: false, verifies every time', async () => {
    const service = await serviceWith({ jwks: { keys: [key.publicJwk] }, claims: countingClaims, sessionCache: false });
    const token = await signSession({}, { key });
    await service.validateSession(token);
    await service.validateSession(token);
    expect(mapped).toBe(2);
  });

  it('does not cache a failure: a token refused once is verified again next time', async () => {
    let refuseNext = true;
    const flakyClaims = (payload: Readonly<JWTPayload>) => {
      mapped++;
      if (refuseNext) {
        refuseNext = false;
        throw new Error('mapper not ready');
      }
      return CLAIMS_PRESETS.descope(payload);
    };
    const service = await serviceWith({ jwks: { keys: [key.publicJwk] }, claims: flakyClaims });
    const token = await signSession({}, { key });
    expect(await reasonOf(service.validateSession(token))).toBe('claim_invalid');
    await expect(service.validateSession(token)).resolves.toMatchObject({ userId: 'U1' });
    expect(mapped).toBe(2);
  });

  it('refused tokens never push verified ones out of a full cache', async () => {
    const service = await serviceWith({ jwks: { keys: [key.publicJwk] }, claims: countingClaims, sessionCache: { maxEntries: 2 } });
    const kept = [await signSession({ sub: 'A' }, { key }), await signSession({ sub: 'B' }, { key })];
    for (const token of kept) await service.validateSession(token);
    const stranger = await makeKey('ES256', key.kid);
    for (let i = 0; i < 10; i++) {
      const forged = await signSession({ sub: `X${i}` }, { key: stranger });
      expect(await reasonOf(service.validateSession(forged))).toBe('signature_invalid');
    }
    for (const token of kept) await service.validateSession(token);
    expect(mapped).toBe(2);
  });

  it('the cache bound evicts the least recently used token', async () => {
    const service = await serviceWith({ jwks: { keys: [key.publicJwk] }, claims: countingClaims, sessionCache: { maxEntries: 2 } });
    const [a, b, c] = await Promise.all(['A', 'B', 'C'].map((sub) => signSession({ sub }, { key })));
    await service.validateSession(a!);
    await service.validateSession(b!);
    await service.validateSession(a!); // hit: B is now the oldest use
    await service.validateSession(c!); // evicts B
    expect(mapped).toBe(3);
    await service.validateSession(a!);
    expect(mapped).toBe(3);
    await service.validateSession(b!);
    expect(mapped).toBe(4);
  });

  it('when a flood of tokens seen once makes the cache useless, keeps a session from its second verification only (issue 16.1)', async () => {
    const service = await serviceWith({ jwks: { keys: [key.publicJwk] }, claims: countingClaims, sessionCache: { maxEntries: 10 } });
    const flood = await Promise.all(Array.from({ length: 1024 }, (_, n) => signSession({ sub: `once-${n}` }, { key })));
    for (const token of flood) await service.validateSession(token);
    expect(mapped).toBe(1024);
    const returning = await signSession({ sub: 'returning' }, { key });
    await service.validateSession(returning);
    await service.validateSession(returning);
    expect(mapped).toBe(1026);
    // Kept from the second verification: the third is a hit.
    await service.validateSession(returning);
    expect(mapped).toBe(1026);
  });

  it('a cached token past its exp is refused as expired', async () => {
    const start = Date.now();
    jest.useFakeTimers({ now: start, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval'] });
    const service = await serviceWith({ jwks: { keys: [key.publicJwk] }, claims: countingClaims, clockTolerance: 0 });
    const token = await signSession({}, { key, expiresIn: 30 });
    await service.validateSession(token);
    jest.setSystemTime(start + 20_000);
    await service.validateSession(token);
    expect(mapped).toBe(1);
    jest.setSystemTime(start + 31_000);
    expect(await reasonOf(service.validateSession(token))).toBe('token_expired');
  });

  it('a cached token is not used past maxAgeMs: it is verified again', async () => {
    const start = Date.now();
    jest.useFakeTimers({ now: start, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval'] });
    const service = await serviceWith({ jwks: { keys: [key.publicJwk] }, claims: countingClaims, sessionCache: { maxAgeMs: 10_000 } });
    const token = await signSession({}, { key, expiresIn: 3600 });
    await service.validateSession(token);
    jest.setSystemTime(start + 9_000);
    await service.validateSession(token);
    expect(mapped).toBe(1);
    jest.setSystemTime(start + 11_000);
    await service.validateSession(token);
    expect(mapped).toBe(2);
  });

  it('a cached token is refused once maxTokenAge has passed, whatever its exp', async () => {
    const start = Date.now();
    jest.useFakeTimers({ now: start, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval'] });
    const service = await serviceWith({ jwks: { keys: [key.publicJwk] }, clockTolerance: 0, maxTokenAge: 20 });
    const token = await signSession({}, { key, expiresIn: 3600 });
    await service.validateSession(token);
    jest.setSystemTime(start + 22_000);
    // jose reports a token older than maxTokenAge as expired.
    expect(await reasonOf(service.validateSession(token))).toBe('token_expired');
  });

  it('refuses a bad sessionCache option at start-up, naming it', async () => {
    await expect(serviceWith({ jwks: { keys: [key.publicJwk] }, sessionCache: { maxEntries: -5 } })).rejects.toThrow(
      /option "sessionCache.maxEntries" must be a positive integer/,
    );
  });
});
