import { InMemoryReplayStore } from '../../../lib/replay/in-memory-replay.store.js';
import { InMemoryRevocationStore } from '../../../lib/revocation/in-memory-revocation.store.js';

describe('InMemoryReplayStore', () => {
  it('accepts the first claim of an id and refuses the next until it expires', async () => {
    let now = 1_000;
    const store = new InMemoryReplayStore(10, () => now);
    await expect(store.claimOnce('a', 2_000)).resolves.toBe(true);
    await expect(store.claimOnce('a', 2_000)).resolves.toBe(false);
    await expect(store.claimOnce('b', 2_000)).resolves.toBe(true);
    now = 2_001;
    await expect(store.claimOnce('a', 3_000)).resolves.toBe(true);
  });

  it('stays within its bound, dropping expired claims first', async () => {
    let now = 0;
    const store = new InMemoryReplayStore(3, () => now);
    await store.claimOnce('old', 10);
    await store.claimOnce('x', 1_000);
    await store.claimOnce('y', 1_000);
    now = 20;
    await store.claimOnce('z', 1_000);
    expect(store.size).toBe(3);
    await expect(store.claimOnce('x', 1_000)).resolves.toBe(false);
  });

  it('is offered by the default revocation store', async () => {
    const store = new InMemoryRevocationStore();
    await expect(store.claimOnce('jti-1', Date.now() + 60_000)).resolves.toBe(true);
    await expect(store.claimOnce('jti-1', Date.now() + 60_000)).resolves.toBe(false);
  });
});
