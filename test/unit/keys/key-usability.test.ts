import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { JWK } from 'jose';
import { ASYMMETRIC_ALGORITHMS } from '../../../lib/index.js';
import { describeKey, unusableReason, usableKeySet } from '../../../lib/keys/key-usability.js';
import { SkippedKeys } from '../../../lib/keys/skipped-keys.js';
import { makeKey } from '../../support/keys.js';

function rsaJwk(modulusLength: number): JWK {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength });
  return { ...(publicKey.export({ format: 'jwk' }) as JWK), kid: `rsa-${modulusLength}`, alg: 'RS256' };
}

/** Wycheproof's ROCA key (json_web_key_test, tcId 7), from the copied vectors. */
function rocaJwk(): JWK {
  const file = JSON.parse(readFileSync(new URL('../../vectors/wycheproof/json_web_key_test.json', import.meta.url), 'utf8'));
  const group = file.testGroups.find((g: { tests: Array<{ tcId: number }> }) => g.tests.some((t) => t.tcId === 7));
  const keys: JWK[] = group.public?.keys ?? (group.public ? [group.public] : group.private?.keys ?? [group.private]);
  const rsa = keys.find((key) => key.kty === 'RSA' && key.kid === 'kid-rsa-roca-sign')!;
  return { kty: 'RSA', n: rsa.n, e: rsa.e, kid: rsa.kid };
}

describe('which published keys may verify a token', () => {
  const allowed = ASYMMETRIC_ALGORITHMS;
  let es256: JWK;
  beforeAll(async () => {
    es256 = (await makeKey('ES256', 'ec')).publicJwk;
  });

  it('accepts signature keys for allowed algorithms, with or without use/alg', () => {
    expect(unusableReason(es256, allowed)).toBeUndefined();
    const { use: _use, alg: _alg, ...bare } = es256;
    expect(unusableReason(bare, allowed)).toBeUndefined();
    expect(unusableReason({ ...es256, key_ops: ['verify'] }, allowed)).toBeUndefined();
    expect(unusableReason(rsaJwk(2048), allowed)).toBeUndefined();
  });

  it('finds no ROCA fingerprint in freshly generated keys', () => {
    for (let i = 0; i < 5; i++) expect(unusableReason(rsaJwk(2048), allowed)).toBeUndefined();
  });

  it.each([
    ['an encryption key', () => ({ ...es256, use: 'enc' }), /use "enc"/],
    ['a symmetric key', () => ({ kty: 'oct', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA', kid: 'hmac' }), /symmetric/],
    ['a private key', () => ({ ...es256, d: 'AAAA' }), /private key material/],
    ['a key for another operation', () => ({ ...es256, key_ops: ['encrypt'] }), /key_ops/],
    ['an algorithm outside the allow-list', () => ({ ...es256, alg: 'HS256' }), /algorithm "HS256"/],
    ['an RSA key under 2048 bits', () => rsaJwk(1024), /RSA key of 1024 bits/],
    ['an RSA key with the ROCA fingerprint', () => rocaJwk(), /ROCA fingerprint \(CVE-2017-15361\)/],
    ['not an object', () => 'a string', /not a JSON object/],
  ])('refuses %s', (_name, jwk, reason) => {
    expect(unusableReason(jwk(), allowed)).toMatch(reason);
  });

  it('refuses a key whose alg the issuer does not allow, though the module would', () => {
    expect(unusableReason(es256, ['RS256'])).toMatch(/outside the allowed RS256/);
  });

  it('keeps the usable keys of a set and reports each skipped one', () => {
    const skipped: string[] = [];
    const weak = rsaJwk(1024);
    const set = usableKeySet({ keys: [es256, { ...es256, kid: 'enc', use: 'enc' }, weak] }, allowed, (key, flaw) => skipped.push(`${key}: ${flaw.detail}`));
    expect(set.keys).toEqual([es256]);
    expect(skipped).toEqual([expect.stringMatching(/^kid "enc": is for use "enc"/), expect.stringMatching(/^kid "rsa-1024": is an RSA key of 1024 bits/)]);
  });

  it('names a skipped key by kid or position, never by its material', () => {
    expect(describeKey({ kty: 'oct', k: 'c2VjcmV0' }, 3)).toBe('key #3 (oct)');
    expect(describeKey({ kid: 'x'.repeat(500) }, 0)).toHaveLength(64 + 6);
  });

  describe('small-order Ed25519 keys (identity, order 2, 4 and 8; canonical and not)', () => {
    /** libsodium's blocklist (ge25519_has_small_order): y little-endian; the sign bit is ignored there, so both are listed here. */
    const BLOCKLIST = [
      '0000000000000000000000000000000000000000000000000000000000000000', // y = 0: order 4
      '0100000000000000000000000000000000000000000000000000000000000000', // y = 1: the identity
      '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05', // order 8
      'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a', // order 8
      'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // y = p - 1: order 2
      'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // y = p (non-canonical 0)
      'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // y = p + 1 (non-canonical 1)
    ].flatMap((hex) => {
      const signed = Buffer.from(hex, 'hex');
      signed[31]! |= 0x80;
      return [Buffer.from(hex, 'hex'), signed];
    });

    it.each(BLOCKLIST.map((bytes) => [bytes.toString('hex')]))('refuses x = %s', (hex) => {
      const jwk = { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(hex, 'hex').toString('base64url') };
      expect(unusableReason(jwk, allowed)).toMatch(/Ed25519 key of small order/);
      expect(unusableReason({ ...jwk, alg: 'EdDSA', kid: 'k', use: 'sig' }, allowed)).toMatch(/small order/);
    });

    it('accepts generated Ed25519 keys', async () => {
      for (let i = 0; i < 5; i++) expect(unusableReason((await makeKey('EdDSA', `ed-${i}`)).publicJwk, allowed)).toBeUndefined();
    });
  });

  describe('skipped keys are summed up in one line', () => {
    const summarize = (keys: unknown[]) => {
      const skipped = new SkippedKeys();
      const usable = usableKeySet({ keys: keys as JWK[] }, allowed, skipped.add);
      return { usable: usable.keys.length, summary: skipped.summary('https://idp.example/jwks', keys.length) };
    };

    it('nothing skipped: no line', () => {
      expect(summarize([es256]).summary).toBeUndefined();
    });

    it('one skipped key: named with its reason', () => {
      expect(summarize([es256, { ...es256, kid: 'enc', use: 'enc' }]).summary).toBe('Skipping kid "enc" from https://idp.example/jwks: it is for use "enc", not "sig"');
    });

    it('100,000 junk entries: one line with the count of each kind and its first key', () => {
      const junk = Array.from({ length: 100_000 }, (_, i) => (i % 2 ? 'junk' : { ...es256, kid: `k${i}`, alg: `X${i}` }));
      const { usable, summary } = summarize([...junk, es256]);
      expect(usable).toBe(1);
      expect(summary).toBe(
        'Skipping 100000 of 100001 keys from https://idp.example/jwks: 50000 refused algorithm (first: kid "k0", it is for algorithm "X0", ' +
          `outside the allowed ${allowed.join(', ')}); 50000 not a JSON object (first: key #1, it is not a JSON object)`,
      );
    });
  });
});
