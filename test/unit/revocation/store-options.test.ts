import { InMemoryRevocationStore, RedisRevocationStore, SessionConfigError, type RevocationStore, type SessionDataStore } from '../../../lib/index.js';
import { parseFeedEntry } from '../../../lib/revocation/redis/revocation-message.js';
import { readRevocationOptions } from '../../../lib/revocation/revocation-options.js';

const HOUR = 3_600_000;

/** A store that records revocations only (say, a table of its own): no session data, no one-time ids. */
function revocationOnly(): RevocationStore & { started: number; closed: number } {
  const revoked = new Set<string>();
  return {
    started: 0,
    closed: 0,
    async start() {
      this.started++;
    },
    async close() {
      this.closed++;
    },
    async revokeSession(sessionId) {
      revoked.add(sessionId);
    },
    async revokeUserSessions() {},
    isRevoked: (subject) => subject.sessionId !== undefined && revoked.has(subject.sessionId),
  };
}

describe('revocationStore, sessionDataStore, replayStore options', () => {
  it('a built-in store serves all three: the configured object is the store itself', () => {
    const store = new InMemoryRevocationStore();
    expect(readRevocationOptions({ revocationStore: store }).store).toBe(store);
    expect(readRevocationOptions({}).store).toBeInstanceOf(InMemoryRevocationStore);
  });

  it('a revocation-only store keeps working: session data and one-time ids default to memory; each store started and closed once', async () => {
    const own = revocationOnly();
    const { store } = readRevocationOptions({ revocationStore: own });
    await store.start?.();
    await store.revokeSession('S1', Date.now() + HOUR);
    expect(await store.isRevoked({ userId: 'U', sessionId: 'S1' })).toBe(true);
    await store.setData('S1', '{"a":1}', Date.now() + HOUR);
    expect(await store.getData('S1')).toBe('{"a":1}');
    await expect(store.claimOnce('jti', Date.now() + HOUR)).resolves.toBe(true);
    await expect(store.claimOnce('jti', Date.now() + HOUR)).resolves.toBe(false);
    await store.close?.();
    expect([own.started, own.closed]).toEqual([1, 1]);
  });

  it('sessionDataStore and replayStore take precedence over what the revocation store offers', async () => {
    const data = new Map<string, string>();
    const dataStore: SessionDataStore = {
      getData: async (id) => data.get(id),
      setData: async (id, json) => void data.set(id, json),
      deleteData: async (id) => void data.delete(id),
    };
    const { store } = readRevocationOptions({ revocationStore: new InMemoryRevocationStore(), sessionDataStore: dataStore, replayStore: { claimOnce: async () => false } });
    await store.setData('S', '{}', Date.now() + HOUR);
    expect(data.get('S')).toBe('{}');
    await expect(store.claimOnce('jti', Date.now() + HOUR)).resolves.toBe(false);
  });

  it.each<[string, Record<string, unknown>]>([
    ['revocationStore', { revocationStore: { isRevoked: () => false } }],
    ['revocationStore', { revocationStore: 'redis://localhost' }],
    ['sessionDataStore', { sessionDataStore: { getData: async () => undefined } }],
    ['replayStore', { replayStore: {} }],
    ['revocationFailOpen', { revocationFailOpen: 1 }],
  ])('refuses a bad %s at start-up', (option, input) => {
    let error: unknown;
    try {
      readRevocationOptions(input as never);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SessionConfigError);
    expect((error as SessionConfigError).option).toBe(option);
  });
});

describe('RedisRevocationStore options', () => {
  it('refuses a staleness bound that one slow poll would break, and nonsensical numbers', () => {
    expect(() => new RedisRevocationStore({ pollIntervalMs: 500, commandTimeoutMs: 1000, maxStalenessMs: 1200 })).toThrow(/maxStalenessMs must be at least pollIntervalMs \+ commandTimeoutMs \(1500\)/);
    expect(() => new RedisRevocationStore({ pollIntervalMs: 0 })).toThrow(/pollIntervalMs/);
    expect(() => new RedisRevocationStore({ logLength: 1.5 })).toThrow(/logLength/);
    expect(() => new RedisRevocationStore({ commandTimeoutMs: 3000 })).not.toThrow();
  });
});

describe('revocation feed messages', () => {
  it('reads both kinds, with and without a sequence number (messages of earlier versions)', () => {
    expect(parseFeedEntry('{"t":"s","id":"S1","until":5,"seq":7,"e":"1.2"}')).toEqual({ record: { kind: 'session', id: 'S1', until: 5 }, seq: 7, epoch: '1.2' });
    expect(parseFeedEntry('{"t":"u","id":"U1","cutoff":3,"until":5}')).toEqual({ record: { kind: 'user', id: 'U1', cutoff: 3, until: 5 } });
  });

  it.each(['', 'null', '[]', '{"t":"s","id":1,"until":5}', '{"t":"u","id":"U","until":5}', '{"t":"x","id":"S","until":5}', '{"__proto__":{"t":"s"},"id":"S","until":5}'])(
    'ignores %s',
    (raw) => {
      expect(parseFeedEntry(raw)).toBeUndefined();
    },
  );

  it('ignores a sequence number that is not a safe integer', () => {
    expect(parseFeedEntry('{"t":"s","id":"S","until":5,"seq":1.5}')).toEqual({ record: { kind: 'session', id: 'S', until: 5 } });
  });
});
