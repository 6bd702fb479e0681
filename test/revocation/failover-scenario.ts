import type { RedisRevocationStore } from '../../lib/index.js';
import { waitFor } from '../support/wait-for.js';

const HOUR = 3_600_000;

/** What the scenario does to the Redis set-up under test (Cluster, Sentinel). */
export interface FailoverSetup {
  /** A started store on the set-up. */
  store(): Promise<RedisRevocationStore>;
  /** SIGKILL of the master holding the revocations. */
  killMaster(): Promise<void>;
  /** Resolves once a replica serves as master. */
  waitPromoted(): Promise<void>;
}

/**
 * A master killed under two instances: no revocation acknowledged before is lost; the other
 * instance stops vouching within the staleness bound (2 s), refuses what it knows meanwhile, and
 * a logout made during the failover (it throws revocation_unavailable) is refused by it no later
 * than the staleness bound after its writer is back in sync (and so writes it again). Returns the figures for the log line.
 */
export async function runFailoverScenario(setup: FailoverSetup): Promise<string> {
  const a = await setup.store();
  const b = await setup.store();
  const before = Array.from({ length: 20 }, (_, index) => `K-before-${index}`);
  await Promise.all(before.map((id) => a.revokeSession(id, Date.now() + HOUR)));
  await waitFor(() => before.every((id) => b.isRevoked({ userId: 'U', sessionId: id })), 5000);

  await setup.killMaster();
  const killedAt = Date.now();
  await waitFor(() => !b.inSync, 5000);
  const staleAfter = Date.now() - killedAt;
  await waitFor(() => !a.inSync, 5000);
  expect(staleAfter).toBeLessThanOrEqual(2000 + 300);
  expect(before.every((id) => b.isRevoked({ userId: 'U', sessionId: id }))).toBe(true);

  const acceptedByB: number[] = [];
  let aBackAt = Number.POSITIVE_INFINITY;
  const sampler = setInterval(() => {
    if (a.inSync) aBackAt = Math.min(aBackAt, Date.now());
    try {
      if (!b.isRevoked({ userId: 'U', sessionId: 'K-during' })) acceptedByB.push(Date.now());
    } catch {
      // revocation_unavailable: refused, as it should be
    }
  }, 5);
  try {
    await a.revokeSession('K-during', Date.now() + HOUR).catch(() => undefined);
    expect(a.isRevoked({ userId: 'U', sessionId: 'K-during' })).toBe(true);

    await setup.waitPromoted();
    await waitFor(() => a.inSync && b.inSync, 15_000);
    const recoveredAfter = Date.now() - killedAt;
    await a.revokeSession('K-after', Date.now() + HOUR);
    await waitFor(() => b.isRevoked({ userId: 'U', sessionId: 'K-after' }), 3000);
    await waitFor(() => b.isRevoked({ userId: 'U', sessionId: 'K-during' }), 3000);
    clearInterval(sampler);
    // The logout threw revocation_unavailable: until a writes it again (a's first successful
    // poll, aBackAt), Redis does not hold it and b, back first, may accept it. After that, only
    // within the staleness bound.
    const acceptedFor = Math.max(aBackAt, ...acceptedByB) - aBackAt;
    expect(acceptedFor).toBeLessThanOrEqual(2000 + 100);
    expect(before.filter((id) => !b.isRevoked({ userId: 'U', sessionId: id }))).toEqual([]);
    const late = await setup.store();
    expect([...before, 'K-during', 'K-after'].filter((id) => !late.isRevoked({ userId: 'U', sessionId: id }))).toEqual([]);
    const early = acceptedByB.filter((at) => at < aBackAt);
    const acceptedEarly = early.length ? Math.max(...early) - Math.min(...early) : 0;
    return `stale ${staleAfter} ms after the master was killed, in sync again after ${recoveredAfter} ms; the logout made meanwhile accepted by the other instance until ${acceptedFor} ms after its writer was back in sync (for ${acceptedEarly} ms before it, while only its writer held it)`;
  } finally {
    clearInterval(sampler);
  }
}
