import type { JWSHeaderParameters } from 'jose';
import { SessionError, type SessionModuleOptions } from '../../../lib/index.js';
import { SessionOptions } from '../../../lib/options/session-options.js';
import { type KeyResolver } from '../../../lib/keys/key-resolver.interface.js';
import { createKeyResolver } from '../../../lib/keys/key-resolver.factory.js';
import { IssuerVerifier } from '../../../lib/verification/issuer-verifier.js';
import { TokenVerifier } from '../../../lib/verification/token-verifier.js';
import { craftToken, makeKey, signSession, type TestKey } from '../../support/keys.js';
import { reasonOf } from '../../support/session-error.js';

/** Counts key look-ups, to show which issuer's keys were asked. */
class CountingResolver implements KeyResolver {
  calls = 0;
  constructor(private readonly inner: KeyResolver) {}
  resolve(header: JWSHeaderParameters) {
    this.calls++;
    return this.inner.resolve(header);
  }
}

async function verifierFor(input: SessionModuleOptions) {
  const options = new SessionOptions(input);
  const resolvers: CountingResolver[] = [];
  const verifiers = await Promise.all(
    options.issuerConfigs.map(async (config) => {
      const resolver = new CountingResolver(await createKeyResolver(config, options.keyFetch));
      resolvers.push(resolver);
      return new IssuerVerifier(config, resolver, options.verification);
    }),
  );
  return { verifier: new TokenVerifier(options.verification, verifiers), resolvers };
}

describe('TokenVerifier with several issuers', () => {
  let keyA: TestKey;
  let keyB: TestKey;
  beforeAll(async () => {
    keyA = await makeKey('ES256', 'a');
    keyB = await makeKey('RS256', 'b');
  });

  const options = () => ({
    issuers: [
      { issuer: 'https://a.example', jwks: { keys: [keyA.publicJwk] } },
      { issuer: 'https://b.example', jwks: { keys: [keyB.publicJwk] }, claims: () => ({ roles: ['from-b'] }) },
    ],
  });

  it("verifies each issuer's tokens with that issuer's keys and claim layout", async () => {
    const { verifier, resolvers } = await verifierFor(options());
    const a = await verifier.verify(await signSession({ iss: 'https://a.example' }, { key: keyA }));
    const b = await verifier.verify(await signSession({ iss: 'https://b.example' }, { key: keyB }));
    expect(a.payload.iss).toBe('https://a.example');
    expect(b.mapClaims(b.payload)).toEqual({ roles: ['from-b'] });
    expect(resolvers.map((r) => r.calls)).toEqual([1, 1]);
  });

  it("refuses a token signed with B's key that claims to come from A", async () => {
    const { verifier, resolvers } = await verifierFor(options());
    const forged = await signSession({ iss: 'https://a.example' }, { key: { ...keyB, kid: 'a' } });
    expect(['signature_invalid', 'key_not_found']).toContain(await reasonOf(verifier.verify(forged)));
    expect(resolvers[1]!.calls).toBe(0);
  });

  it('refuses an unlisted issuer before asking any key source', async () => {
    const { verifier, resolvers } = await verifierFor(options());
    const stranger = await signSession({ iss: 'https://c.example' }, { key: keyA });
    expect(await reasonOf(verifier.verify(stranger))).toBe('issuer_mismatch');
    const noIss = craftToken({ alg: 'ES256', kid: 'a' }, { sub: 'U1', exp: 2e9 }, 'c2ln');
    expect(await reasonOf(verifier.verify(noIss))).toBe('issuer_mismatch');
    expect(resolvers.map((r) => r.calls)).toEqual([0, 0]);
  });

  it('refuses the same issuer configured twice, naming the option', () => {
    expect(() => new SessionOptions({ issuer: 'https://a.example', jwks: { keys: [keyA.publicJwk] }, issuers: [{ issuer: 'https://a.example', jwks: { keys: [keyB.publicJwk] } }] })).toThrow(/"issuers" names issuer "https:\/\/a.example" twice/);
  });

  it('names the entry of a bad issuers option', () => {
    expect(() => new SessionOptions({ issuers: [{ issuer: 'x', jwks: { keys: [keyA.publicJwk] } }, { issuer: 'y' }] })).toThrow(/"issuers\[1\]\.jwksUri" or another key source/);
    expect(() => new SessionOptions({ issuers: [{ issuer: 'x', jwksUrl: 'https://x' } as never] })).toThrow(/"issuers\[0\]\.jwksUrl" is not an option/);
  });
});
