import { DEFAULT_SESSION_CACHE, readSessionCacheOption } from '../../../lib/cache/session-cache-options.js';
import { SessionConfigError } from '../../../lib/errors/session-config.error.js';

function refusal(value: unknown): SessionConfigError {
  try {
    readSessionCacheOption(value);
  } catch (error) {
    if (error instanceof SessionConfigError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(value)}`);
}

describe('the sessionCache option', () => {
  it('is on with 10,000 entries by default, off with false', () => {
    expect(readSessionCacheOption(undefined)).toEqual({ maxEntries: 10_000, maxAgeMs: DEFAULT_SESSION_CACHE.maxAgeMs });
    expect(readSessionCacheOption(true)).toEqual(DEFAULT_SESSION_CACHE);
    expect(readSessionCacheOption(false)).toBe(false);
  });

  it('takes limits, each defaulting on its own', () => {
    expect(readSessionCacheOption({ maxEntries: 50 })).toEqual({ maxEntries: 50, maxAgeMs: DEFAULT_SESSION_CACHE.maxAgeMs });
    expect(readSessionCacheOption({ maxAgeMs: 1_000 })).toEqual({ maxEntries: 10_000, maxAgeMs: 1_000 });
  });

  it.each([
    [null, 'sessionCache'],
    ['yes', 'sessionCache'],
    [[], 'sessionCache'],
    [{ maxEntries: 0 }, 'sessionCache.maxEntries'],
    [{ maxEntries: 1.5 }, 'sessionCache.maxEntries'],
    [{ maxEntries: '100' }, 'sessionCache.maxEntries'],
    [{ maxAgeMs: -1 }, 'sessionCache.maxAgeMs'],
    [{ maxAgeMs: Number.POSITIVE_INFINITY }, 'sessionCache.maxAgeMs'],
    [{ maxSize: 10 }, 'sessionCache.maxSize'],
  ])('refuses %j at start-up, naming %s', (value, option) => {
    const error = refusal(value);
    expect(error.option).toBe(option);
    expect(error.message).toContain(`"${option}"`);
  });
});
