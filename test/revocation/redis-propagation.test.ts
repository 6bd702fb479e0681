import { RedisRevocationStore, SessionError, type RevocationRecord, type RevocationSubject } from '../../lib/index.js';
import { RedisKeys } from '../../lib/revocation/redis/redis-keys.js';
import { mergeCommand } from '../../lib/revocation/redis/redis-scripts.js';
import { redisStores } from '../support/redis-stores.js';
import { waitFor } from '../support/wait-for.js';

const HOUR = 3_600_000;
/** The documented default bound (`maxStalenessMs`): no instance answers "not revoked" from an older view. */
const STALENESS_BOUND = 2000;

type Answer = 'revoked' | 'not revoked' | 'unavailable';

/** What the store tells a revocation check, as the guard would see it. */
function answer(store: RedisRevocationStore, subject: RevocationSubject): Answer {
  try {
    return store.isRevoked(subject) ? 'revoked' : 'not revoked';
  } catch (error) {
    if (error instanceof SessionError && error.reason === 'revocation_unavailable') return 'unavailable';
    throw error;
  }
}

/**
 * Propagation between instances when Redis hangs or pub/sub loses messages: a revocation reaches
 * every instance within the staleness bound, and no instance vouches for a session from a view
 * older than the bound.
 */
describe('RedisRevocationStore propagation (hangs, lost messages)', () => {
  const redisSuite = redisStores('propagation-test:');
  const { store, probe } = redisSuite;
  const keys = new RedisKeys('propagation-test:');

  it('Redis hung (SIGSTOP): the other instance stops vouching within the bound, and learns the logout made during the hang once Redis resumes', async () => {
    const a = await store();
    const b = await store();
    const subject = { userId: 'U1', sessionId: 'S-hang' };
    expect(answer(b, subject)).toBe('not revoked');

    redisSuite.redis.pause();
    const pausedAt = Date.now();
    // The write is sent but not answered: the caller is told it is not shared yet; this instance refuses at once.
    await expect(a.revokeSession('S-hang', Date.now() + HOUR)).rejects.toMatchObject({ reason: 'revocation_unavailable' });
    expect(answer(a, subject)).toBe('revoked');

    // B cannot confirm its mirror any more: past the bound it no longer answers "not revoked".
    await waitFor(() => answer(b, subject) !== 'not revoked', STALENESS_BOUND + 1000);
    expect(Date.now() - pausedAt).toBeGreaterThanOrEqual(STALENESS_BOUND - 100);
    expect(answer(b, subject)).toBe('unavailable');

    redisSuite.redis.resume();
    // The late write runs when Redis resumes; B learns it within the bound, without a reconnect.
    await waitFor(() => answer(b, subject) === 'revoked', STALENESS_BOUND);
    await waitFor(() => b.inSync, STALENESS_BOUND);
    expect(answer(b, { userId: 'U1', sessionId: 'S-other' })).toBe('not revoked');
  });

  /** The store's own write, numbered and logged, with its message published where nobody listens (a lost message). */
  function writeUnheard(record: RevocationRecord, logLength = 10_000): Promise<unknown> {
    const command = mergeCommand(keys, record, logLength);
    command[command.indexOf(keys.channel)] = 'propagation-test:nobody-listens';
    return probe.send(command);
  }

  it('messages lost while the subscriber is away (CLIENT KILL): caught up within the bound from the revocation log, with no rescan and no refusal meanwhile', async () => {
    const a = await store();
    const b = await store();
    const scansBefore = await probe.calls('scan');
    await probe.send(['CLIENT', 'KILL', 'TYPE', 'pubsub']);

    await a.revokeSession('S-lost', Date.now() + HOUR);
    let refusedMeanwhile = false;
    await waitFor(() => {
      if (answer(b, { userId: 'U2', sessionId: 'S-fine' }) === 'unavailable') refusedMeanwhile = true;
      return answer(b, { userId: 'U1', sessionId: 'S-lost' }) === 'revoked';
    }, STALENESS_BOUND);
    expect(refusedMeanwhile).toBe(false);
    expect(await probe.calls('scan')).toBe(scansBefore);
  });

  it('a message that never arrives (published where nobody listens): caught up from the log within the poll interval', async () => {
    const b = await store({ pollIntervalMs: 200 });
    await writeUnheard({ kind: 'user', id: 'U-quiet', cutoff: Math.floor(Date.now() / 1000), until: Date.now() + HOUR });
    await waitFor(() => answer(b, { userId: 'U-quiet', startedAt: 1 }) === 'revoked', 200 + 1000);
    expect(answer(b, { userId: 'U-loud', startedAt: 1 })).toBe('not revoked');
  });

  it('an instance further behind than the log holds reads every record again, and misses none', async () => {
    const b = await store({ pollIntervalMs: 200 });
    // Five writes whose messages are lost, with a log that keeps only the last two.
    for (let i = 0; i < 5; i++) await writeUnheard({ kind: 'session', id: `S-behind-${i}`, until: Date.now() + HOUR }, 2);
    await waitFor(() => [0, 1, 2, 3, 4].every((i) => answer(b, { userId: 'U', sessionId: `S-behind-${i}` }) === 'revoked'), STALENESS_BOUND);
    await waitFor(() => b.inSync, STALENESS_BOUND);
  });

  it('an id that is not well-formed Unicode reaches the other instance unchanged', async () => {
    const a = await store();
    const b = await store();
    const odd = 'S-\ud800-\u2028-"quoted"-/';
    await a.revokeSession(odd, Date.now() + HOUR);
    await waitFor(() => answer(b, { userId: 'U', sessionId: odd }) === 'revoked', STALENESS_BOUND);
    expect(answer(b, { userId: 'U', sessionId: 'S-\ufffd-\u2028-"quoted"-/' })).toBe('not revoked');
  });

  describe('after a reconnect', () => {
    /** Instance B, connected as the ACL user `instance-b`, so that a test can keep it away from Redis. */
    async function instanceB() {
      await probe.send(['ACL', 'SETUSER', 'instance-b', 'on', '>secret', '~*', '&*', '+@all']);
      const url = new URL(redisSuite.redis.url);
      url.username = 'instance-b';
      url.password = 'secret';
      return store({ url: url.href, clientOptions: { socket: { reconnectStrategy: () => 100 } } });
    }

    /** Drops both of B's connections and refuses its reconnects until `allowInstanceB`. */
    async function cutOffInstanceB(b: RedisRevocationStore): Promise<void> {
      await probe.send(['ACL', 'SETUSER', 'instance-b', 'off']);
      expect(await probe.send(['CLIENT', 'KILL', 'USER', 'instance-b'])).toBe(2);
      await waitFor(() => !b.inSync);
    }

    const allowInstanceB = () => probe.send(['ACL', 'SETUSER', 'instance-b', 'on']);

    it('catches up from the log what was revoked while it was away, without reading every record', async () => {
      const a = await store();
      const b = await instanceB();
      const scansBefore = await probe.calls('scan');
      await cutOffInstanceB(b);
      await a.revokeSession('S-while-away', Date.now() + HOUR);
      expect(answer(b, { userId: 'U', sessionId: 'S-while-away' })).toBe('unavailable');
      await allowInstanceB();
      await waitFor(() => answer(b, { userId: 'U', sessionId: 'S-while-away' }) === 'revoked', 3000);
      await waitFor(() => b.inSync);
      expect(await probe.calls('scan')).toBe(scansBefore);
    });

    it('a logout made while it was cut off reaches the other instances once it is back (written again, no full read)', async () => {
      const a = await store();
      const b = await instanceB();
      const scansBefore = await probe.calls('scan');
      await cutOffInstanceB(b);
      await expect(b.revokeSession('S-cut-off', Date.now() + HOUR)).rejects.toMatchObject({ reason: 'revocation_unavailable' });
      expect(answer(b, { userId: 'U', sessionId: 'S-cut-off' })).toBe('revoked');
      expect(answer(a, { userId: 'U', sessionId: 'S-cut-off' })).toBe('not revoked');
      await allowInstanceB();
      await waitFor(() => answer(a, { userId: 'U', sessionId: 'S-cut-off' }) === 'revoked', 3000);
      expect(await probe.calls('scan')).toBe(scansBefore);
    });

    it('reads every record again, and writes back what Redis lost, when Redis no longer holds the history it followed', async () => {
      const a = await store();
      const b = await instanceB();
      await a.revokeSession('S-kept', Date.now() + HOUR);
      await a.revokeSession('S-lost-by-redis', Date.now() + HOUR);
      await waitFor(() => answer(b, { userId: 'U', sessionId: 'S-lost-by-redis' }) === 'revoked');
      await a.close();
      await cutOffInstanceB(b);

      // Redis loses its last write (a crash before persisting it), then takes another under the same number.
      const n = Number(await probe.send(['HGET', keys.sequence, 'n']));
      await probe.send(['ZREMRANGEBYSCORE', keys.log, String(n), String(n)]);
      await probe.send(['HSET', keys.sequence, 'n', String(n - 1)]);
      await probe.send(['DEL', keys.record({ kind: 'session', id: 'S-lost-by-redis', until: 0 })]);
      await probe.send(mergeCommand(keys, { kind: 'session', id: 'S-new', until: Date.now() + HOUR }, 10_000));
      await allowInstanceB();

      await waitFor(() => answer(b, { userId: 'U', sessionId: 'S-new' }) === 'revoked', 3000);
      await waitFor(() => b.inSync);
      const fresh = await store();
      expect(answer(fresh, { userId: 'U', sessionId: 'S-lost-by-redis' })).toBe('revoked');
      expect(answer(fresh, { userId: 'U', sessionId: 'S-kept' })).toBe('revoked');
    });
  });
});
