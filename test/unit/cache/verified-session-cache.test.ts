import fc from 'fast-check';
import { descopeClaims } from '../../../lib/claims/presets/descope.preset.js';
import { createSession } from '../../../lib/claims/session-factory.js';
import type { Session } from '../../../lib/claims/session.interface.js';
import { sessionValidUntil } from '../../../lib/cache/session-validity.js';
import { VerifiedSessionCache } from '../../../lib/cache/verified-session-cache.js';

const START = Date.UTC(2030, 0, 1);

/** A clock the test moves by hand. */
class ManualClock {
  constructor(public time = START) {}
  readonly now = () => this.time;
  advance(ms: number): void {
    this.time += ms;
  }
}

function session(sub: string, expSeconds: number, iatSeconds = START / 1000): Session {
  return createSession({ iss: 'P2', sub, iat: iatSeconds, exp: expSeconds }, `token-of-${sub}`, descopeClaims);
}

const anHourLater = START / 1000 + 3600;

describe('VerifiedSessionCache', () => {
  it('gives back the session stored for the exact token, and nothing for another token', () => {
    const cache = new VerifiedSessionCache({ maxEntries: 10, maxAgeMs: 60_000 }, new ManualClock().now);
    const alice = session('alice', anHourLater);
    cache.set('token-a', alice, alice.expiresAt.getTime());
    expect(cache.get('token-a')).toBe(alice);
    expect(cache.get('token-a ')).toBeUndefined();
    expect(cache.get('token-b')).toBeUndefined();
  });

  it('holds at most maxEntries and drops the least recently used first', () => {
    const cache = new VerifiedSessionCache({ maxEntries: 3, maxAgeMs: 60_000 }, new ManualClock().now);
    for (const name of ['a', 'b', 'c']) cache.set(name, session(name, anHourLater), Number.MAX_SAFE_INTEGER);
    // Reading `a` makes `b` the least recently used.
    expect(cache.get('a')?.userId).toBe('a');
    cache.set('d', session('d', anHourLater), Number.MAX_SAFE_INTEGER);
    expect(cache.size).toBe(3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.userId).toBe('a');
    expect(cache.get('c')?.userId).toBe('c');
    expect(cache.get('d')?.userId).toBe('d');
    // Now `a` is the oldest use.
    cache.set('e', session('e', anHourLater), Number.MAX_SAFE_INTEGER);
    expect(cache.get('a')).toBeUndefined();
  });

  it('storing a token again refreshes it instead of growing the cache', () => {
    const cache = new VerifiedSessionCache({ maxEntries: 2, maxAgeMs: 60_000 }, new ManualClock().now);
    cache.set('a', session('a', anHourLater), Number.MAX_SAFE_INTEGER);
    cache.set('b', session('b', anHourLater), Number.MAX_SAFE_INTEGER);
    cache.set('a', session('a', anHourLater), Number.MAX_SAFE_INTEGER);
    expect(cache.size).toBe(2);
    cache.set('c', session('c', anHourLater), Number.MAX_SAFE_INTEGER);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.userId).toBe('a');
  });

  it('never serves an entry past its token validity', () => {
    const clock = new ManualClock();
    const cache = new VerifiedSessionCache({ maxEntries: 10, maxAgeMs: 600_000 }, clock.now);
    const shortLived = session('short', START / 1000 + 30);
    cache.set('short', shortLived, sessionValidUntil(shortLived, undefined));
    clock.advance(29_999);
    expect(cache.get('short')).toBe(shortLived);
    clock.advance(1);
    expect(cache.get('short')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('never serves an entry older than maxAgeMs, even for a long-lived token', () => {
    const clock = new ManualClock();
    const cache = new VerifiedSessionCache({ maxEntries: 10, maxAgeMs: 5_000 }, clock.now);
    const longLived = session('long', anHourLater);
    cache.set('long', longLived, sessionValidUntil(longLived, undefined));
    clock.advance(4_999);
    expect(cache.get('long')).toBe(longLived);
    clock.advance(1);
    expect(cache.get('long')).toBeUndefined();
  });

  it('a hit does not extend an entry\'s life', () => {
    const clock = new ManualClock();
    const cache = new VerifiedSessionCache({ maxEntries: 10, maxAgeMs: 5_000 }, clock.now);
    cache.set('t', session('t', anHourLater), Number.MAX_SAFE_INTEGER);
    for (let i = 0; i < 4; i++) {
      clock.advance(1_000);
      expect(cache.get('t')).toBeDefined();
    }
    clock.advance(1_000);
    expect(cache.get('t')).toBeUndefined();
  });

  it('does not store what is already past its validity, nor a validity that is not a number', () => {
    const clock = new ManualClock();
    const cache = new VerifiedSessionCache({ maxEntries: 10, maxAgeMs: 60_000 }, clock.now);
    cache.set('expired', session('expired', START / 1000 - 1), START - 1_000);
    cache.set('now', session('now', START / 1000), START);
    cache.set('nan', session('nan', anHourLater), Number.NaN);
    expect(cache.size).toBe(0);
  });
});

describe('sessionValidUntil', () => {
  it('is the token expiry, or iat + maxTokenAge when that comes first', () => {
    const s = session('u', START / 1000 + 3600, START / 1000);
    expect(sessionValidUntil(s, undefined)).toBe(START + 3_600_000);
    expect(sessionValidUntil(s, 60)).toBe(START + 60_000);
    expect(sessionValidUntil(s, 7200)).toBe(START + 3_600_000);
  });
});

describe('VerifiedSessionCache lookups are exact', () => {
  const signature = 'S'.repeat(86);
  const verified = `eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.${signature}`;
  const forged = `eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.${signature}`;

  it('a different token ending with the same signature is a miss, and leaves the verified entry alone', () => {
    const cache = new VerifiedSessionCache({ maxEntries: 10, maxAgeMs: 60_000 }, new ManualClock().now);
    const alice = session('alice', anHourLater);
    cache.set(verified, alice, Number.MAX_SAFE_INTEGER);
    expect(cache.get(forged)).toBeUndefined();
    expect(cache.get(verified)).toBe(alice);
    expect(cache.get(verified.slice(-40))).toBeUndefined();
  });

  it('short tokens and values that are not strings are handled without a throw', () => {
    const cache = new VerifiedSessionCache({ maxEntries: 10, maxAgeMs: 60_000 }, new ManualClock().now);
    cache.set('short', session('s', anHourLater), Number.MAX_SAFE_INTEGER);
    expect(cache.get('short')?.userId).toBe('s');
    expect(cache.get(undefined as unknown as string)).toBeUndefined();
    expect(cache.get({} as unknown as string)).toBeUndefined();
  });
});

describe('VerifiedSessionCache against a reference LRU', () => {
  type Step = { op: 'set' | 'get'; token: string; advance: number; lifetime: number };
  const step = fc.record({
    op: fc.constantFrom<'set' | 'get'>('set', 'get'),
    token: fc.constantFrom('t0', 't1', 't2', 't3', 't4', 't5'),
    advance: fc.integer({ min: 0, max: 1 }),
    lifetime: fc.integer({ min: 1, max: 60 }),
  });

  it('answers like a plain list kept in recency order, for any sequence of stores and reads', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(step, { minLength: 10, maxLength: 80 }), (maxEntries, steps: Step[]) => {
        const clock = new ManualClock();
        const cache = new VerifiedSessionCache({ maxEntries, maxAgeMs: 40 }, clock.now);
        // Reference: most recently used last; an entry is [token, expiresAt].
        let model: Array<[string, number]> = [];
        for (const { op, token, advance, lifetime } of steps) {
          clock.advance(advance);
          if (op === 'set') {
            const expiresAt = Math.min(clock.time + lifetime, clock.time + 40);
            cache.set(token, session(token, anHourLater), clock.time + lifetime);
            model = model.filter(([t]) => t !== token);
            model.push([token, expiresAt]);
            while (model.length > maxEntries) model.shift();
          } else {
            const found = model.find(([t]) => t === token);
            model = model.filter(([t]) => t !== token);
            const live = found !== undefined && clock.time < found[1];
            if (live) model.push(found);
            expect(cache.get(token)?.userId).toBe(live ? token : undefined);
          }
          expect(cache.size).toBe(model.length);
        }
      }),
      { numRuns: 300 },
    );
  });
});
