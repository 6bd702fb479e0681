import { RevocationLedger } from '../../../lib/index.js';

describe('RevocationLedger sweep', () => {
  it('sweeps expired records a step at a time on writes, never the whole mirror in one write', () => {
    let now = 1_000_000;
    const ledger = new RevocationLedger(() => now);
    for (let index = 0; index < 5000; index++) ledger.addSession(`S${index}`, now + 1000);
    now += 31_000; // every record expired, a sweep due
    ledger.addSession('fresh-1', now + 60_000);
    // One write looked at one step (1,000 entries), not at 5,000.
    expect(ledger.size).toBeGreaterThan(3000);
    for (let index = 0; index < 10; index++) ledger.addSession(`fresh-${index + 2}`, now + 60_000);
    expect(ledger.size).toBe(11);
    expect(ledger.isRevoked({ userId: 'U', sessionId: 'fresh-1' })).toBe(true);
  });
});
