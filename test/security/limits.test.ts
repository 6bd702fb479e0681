import { readFileSync } from 'node:fs';
import { SessionConfigError, type SessionModuleOptions } from '../../lib/index.js';
import { SessionOptions } from '../../lib/options/session-options.js';
import { ISSUER, makeKey, type TestKey } from '../support/keys.js';

/** Where each limit of the table in docs/security.md lives once the options are read. */
const EFFECTIVE: Record<string, (options: SessionOptions) => unknown> = {
  maxTokenLength: (o) => o.verification.maxTokenLength,
  maxResponseBytes: (o) => o.keyFetch.fetchLimits.maxBytes,
  jwksTimeoutMs: (o) => o.keyFetch.fetchLimits.timeoutMs,
  jwksCooldownMs: (o) => o.keyFetch.jwksCooldownMs,
  jwksCacheMaxAgeMs: (o) => o.keyFetch.jwksCacheMaxAgeMs,
  jwksMaxStaleMs: (o) => o.keyFetch.jwksMaxStaleMs,
  clockTolerance: (o) => o.verification.clockTolerance,
  maxTokenAge: (o) => o.verification.maxTokenAge,
  maxTokenLifetime: (o) => o.verification.maxTokenLifetime,
  sessionCache: (o) => o.sessionCache,
};

interface LimitRow {
  option: string;
  documentedDefault: string;
}

/** The rows of the "## Limits" table of docs/security.md. */
function documentedLimits(): LimitRow[] {
  const page = readFileSync(new URL('../../docs/security.md', import.meta.url), 'utf8');
  const start = page.indexOf('\n## Limits\n');
  expect(start).toBeGreaterThan(0);
  const end = page.indexOf('\n## ', start + 1);
  const section = page.slice(start, end === -1 ? undefined : end);
  return [...section.matchAll(/^\| `(\w+)` \| ([^|]+) \|/gm)].map(([, option, documentedDefault]) => ({ option: option!, documentedDefault: documentedDefault!.trim() }));
}

/** The first number of a table cell ("`524288` (512 KiB)", "10,000 entries, 60 s"), or undefined for "not checked". */
function documentedNumber(cell: string): number | undefined {
  const match = /[\d,]+/.exec(cell.replace(/`/g, ''));
  return match ? Number(match[0].replace(/,/g, '')) : undefined;
}

describe('limits: every one an option with a safe default, as docs/security.md lists them', () => {
  let key: TestKey;
  const base = (): SessionModuleOptions => ({ issuer: ISSUER, jwks: { keys: [key.publicJwk] } });
  const rows = documentedLimits();

  beforeAll(async () => {
    key = await makeKey('ES256', 'limits');
  });

  it('docs/security.md lists every limit the module has', () => {
    expect(rows.map((row) => row.option).sort()).toEqual(Object.keys(EFFECTIVE).sort());
  });

  it.each(rows.map((row) => [row.option, row.documentedDefault, row] as const))('%s defaults to %s', (option, _cell, row) => {
    const effective = EFFECTIVE[option]!(new SessionOptions(base()));
    const documented = documentedNumber(row.documentedDefault);
    if (documented === undefined) {
      expect(row.documentedDefault).toBe('not checked');
      expect(effective).toBeUndefined();
    } else if (option === 'sessionCache') {
      expect(effective).toEqual({ maxEntries: documented, maxAgeMs: 60_000 });
    } else {
      expect(effective).toBe(documented);
    }
  });

  it('the defaults are bounded: a token of at most 8 KiB, a response of at most 512 KiB, a request of at most 5 s', () => {
    const options = new SessionOptions(base());
    expect(options.verification.maxTokenLength).toBeLessThanOrEqual(8192);
    expect(options.keyFetch.fetchLimits.maxBytes).toBeLessThanOrEqual(512 * 1024);
    expect(options.keyFetch.fetchLimits.timeoutMs).toBeLessThanOrEqual(5000);
  });

  it.each(['maxTokenLength', 'maxResponseBytes', 'jwksTimeoutMs', 'jwksCacheMaxAgeMs', 'maxTokenLifetime', 'maxTokenAge'])(
    '%s refuses values that would switch the limit off or make no sense, naming the option',
    (option) => {
      for (const value of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '5000', null, {}]) {
        const attempt = () => new SessionOptions({ ...base(), [option]: value } as SessionModuleOptions);
        expect(attempt).toThrow(SessionConfigError);
        expect(attempt).toThrow(new RegExp(`"${option}"`));
      }
    },
  );

  it.each(['jwksCooldownMs', 'jwksMaxStaleMs', 'clockTolerance'])('%s accepts 0 but refuses negative, infinite or non-numbers', (option) => {
    expect(() => new SessionOptions({ ...base(), [option]: 0 } as SessionModuleOptions)).not.toThrow();
    for (const value of [-1, Number.NaN, Number.POSITIVE_INFINITY, '0', null]) {
      expect(() => new SessionOptions({ ...base(), [option]: value } as SessionModuleOptions)).toThrow(SessionConfigError);
    }
  });
});
