import { createClient } from 'redis';
import { RedisRevocationStore, SessionError, type RevocationSubject } from '../../lib/index.js';
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
  const store = redisSuite.store;

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

  it('messages lost while the subscriber is away (CLIENT KILL): caught up within the bound from the revocation log, with no rescan and no refusal meanwhile', async () => {
    const a = await store();
    // B's connections come back only after 5 s: B must learn without its subscriber.
    const b = await store({ clientOptions: { socket: { reconnectStrategy: () => 5000 } } });
    const probe = createClient({ url: redisSuite.redis.url });
    await probe.connect();
    try {
      const scans = async () => Number(/cmdstat_scan:calls=(\d+)/.exec(await probe.info('commandstats'))?.[1] ?? 0);
      const scansBefore = await scans();
      await probe.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub']);

      await a.revokeSession('S-lost', Date.now() + HOUR);
      let refusedMeanwhile = false;
      await waitFor(() => {
        if (answer(b, { userId: 'U2', sessionId: 'S-fine' }) === 'unavailable') refusedMeanwhile = true;
        return answer(b, { userId: 'U1', sessionId: 'S-lost' }) === 'revoked';
      }, STALENESS_BOUND);
      expect(refusedMeanwhile).toBe(false);
      expect(await scans()).toBe(scansBefore);
    } finally {
      probe.destroy();
    }
  });

  it('a message that never arrives (published where nobody listens): caught up from the log within the poll interval', async () => {
    const b = await store({ pollIntervalMs: 200 });
    const probe = createClient({ url: redisSuite.redis.url });
    await probe.connect();
    try {
      // The store's own write, numbered and logged, but its message lost.
      const keys = new RedisKeys('propagation-test:');
      const command = mergeCommand(keys, { kind: 'user', id: 'U-quiet', cutoff: Math.floor(Date.now() / 1000), until: Date.now() + HOUR }, 10_000);
      command[command.indexOf(keys.channel)] = 'propagation-test:nobody-listens';
      await probe.sendCommand(command);
      await waitFor(() => answer(b, { userId: 'U-quiet', startedAt: 1 }) === 'revoked', 200 + 1000);
      expect(answer(b, { userId: 'U-loud', startedAt: 1 })).toBe('not revoked');
    } finally {
      probe.destroy();
    }
  });

  it('an instance further behind than the log holds reads every record again, and misses none', async () => {
    const b = await store({ pollIntervalMs: 200 });
    const probe = createClient({ url: redisSuite.redis.url });
    await probe.connect();
    try {
      // Five writes whose messages are lost, with a log that keeps only the last two.
      const keys = new RedisKeys('propagation-test:');
      for (let i = 0; i < 5; i++) {
        const command = mergeCommand(keys, { kind: 'session', id: `S-behind-${i}`, until: Date.now() + HOUR }, 2);
        command[command.indexOf(keys.channel)] = 'propagation-test:nobody-listens';
        await probe.sendCommand(command);
      }
      await waitFor(() => [0, 1, 2, 3, 4].every((i) => answer(b, { userId: 'U', sessionId: `S-behind-${i}` }) === 'revoked'), STALENESS_BOUND);
      await waitFor(() => b.inSync, STALENESS_BOUND);
    } finally {
      probe.destroy();
    }
  });

  it('an id that is not well-formed Unicode reaches the other instance unchanged', async () => {
    const a = await store();
    const b = await store();
    const odd = 'S-\ud800-\u2028-"quoted"-/';
    await a.revokeSession(odd, Date.now() + HOUR);
    await waitFor(() => answer(b, { userId: 'U', sessionId: odd }) === 'revoked', STALENESS_BOUND);
    expect(answer(b, { userId: 'U', sessionId: 'S-\ufffd-\u2028-"quoted"-/' })).toBe('not revoked');
  });
});
