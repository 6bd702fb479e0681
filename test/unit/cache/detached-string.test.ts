import { detachedCopy } from '../../../lib/cache/detached-string.js';

describe('detachedCopy', () => {
  it('gives the same text, cut from a larger string or not', () => {
    const header = `Bearer ${'eyJhbGciOiJFUzI1NiJ9'}.${'x'.repeat(500)}.${'s'.repeat(86)}`;
    const token = header.slice(7);
    expect(detachedCopy(token)).toBe(token);
    expect(detachedCopy('')).toBe('');
  });

  it('returns text outside latin1 unchanged rather than mangled', () => {
    for (const text of ['ünïcode', 'emoji 🙂', 'lone \ud800 surrogate']) expect(detachedCopy(text)).toBe(text);
  });
});
