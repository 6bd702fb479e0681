import { PendingWrites } from '../../../lib/revocation/redis/pending-writes.js';

describe('PendingWrites (own revocations not yet seen in the feed)', () => {
  it('keeps the strongest write of each record until the feed shows one at least as strong', () => {
    const pending = new PendingWrites();
    pending.expect({ kind: 'user', id: 'U', cutoff: 20, until: 1_000 });
    pending.expect({ kind: 'user', id: 'U', cutoff: 10, until: 2_000 });
    pending.expect({ kind: 'session', id: 'U', until: 500 });
    expect(pending.list()).toEqual([
      { kind: 'user', id: 'U', cutoff: 20, until: 2_000 },
      { kind: 'session', id: 'U', until: 500 },
    ]);
    // Weaker than what is pending: still to be written.
    pending.settle({ kind: 'user', id: 'U', cutoff: 20, until: 1_500 });
    pending.settle({ kind: 'session', id: 'other', until: 9_000 });
    expect(pending.size).toBe(2);
    pending.settle({ kind: 'user', id: 'U', cutoff: 25, until: 2_000 });
    pending.settle({ kind: 'session', id: 'U', until: 500 });
    expect(pending.size).toBe(0);
  });
});
