import { generateKeyPairSync } from 'node:crypto';
import { SessionConfigError, SessionError, type SessionModuleOptions } from '../../../lib/index.js';
import { SessionOptions } from '../../../lib/options/session-options.js';
import { createKeyResolver } from '../../../lib/keys/key-resolver.factory.js';
import { ProviderDirectory } from '../../../lib/provider/provider-directory.js';
import { JwksServer } from '../../support/jwks-server.js';
import { makeKey, type TestKey } from '../../support/keys.js';

class LogCapture {
  readonly warnings: string[] = [];
  warn(message: unknown): void { this.warnings.push(String(message)); }
  log(): void {}
}

async function build(input: SessionModuleOptions, log = new LogCapture()) {
  const options = new SessionOptions(input);
  return createKeyResolver(options.issuerConfigs[0]!, options.keyFetch, new ProviderDirectory(options.issuerConfigs, options.keyFetch), log);
}

describe('createKeyResolver', () => {
  let key: TestKey;
  let other: TestKey;
  beforeAll(async () => {
    key = await makeKey('ES256', 'sig');
    other = await makeKey('ES256', 'other');
  });

  describe('PEM public keys are screened at start-up', () => {
    const pem = (modulusLength: number) =>
      generateKeyPairSync('rsa', { modulusLength }).publicKey.export({ format: 'pem', type: 'spki' }).toString();

    it('refuses an RSA key under 2048 bits, naming the option', async () => {
      await expect(build({ issuer: 'i', publicKey: pem(1024) })).rejects.toThrow(SessionConfigError);
      await expect(build({ issuer: 'i', publicKey: pem(1024) })).rejects.toThrow(/"publicKey"/);
    });

    it('refuses a key no allowed algorithm can use', async () => {
      await expect(build({ issuer: 'i', publicKey: key.publicPem, algorithms: ['RS256'] })).rejects.toThrow(/"publicKey" holds a key that none of the allowed algorithms/);
    });

    it('accepts a 2048-bit RSA key and an EC key together', async () => {
      await expect(build({ issuer: 'i', publicKey: [pem(2048), key.publicPem] })).resolves.toBeDefined();
    });
  });

  describe('the jwks option gets the same screening as a fetched set', () => {
    it('drops unusable keys with a warning at start-up, and never selects them', async () => {
      const log = new LogCapture();
      const keys = await build({ issuer: 'iss', jwks: { keys: [key.publicJwk, { ...other.publicJwk, use: 'enc' }] } }, log);
      await expect(keys.resolve({ alg: 'ES256', kid: 'sig' })).resolves.toHaveLength(1);
      await expect(keys.resolve({ alg: 'ES256', kid: 'other' })).rejects.toMatchObject({ reason: 'key_not_found' });
      expect(log.warnings).toEqual([expect.stringMatching(/Skipping kid "other" from the jwks option: it is for use "enc"/)]);
    });

    it('refuses to start with no usable key at all', async () => {
      await expect(build({ issuer: 'iss', jwks: { keys: [{ ...key.publicJwk, alg: 'ES384' }] }, algorithms: ['ES256'] })).rejects.toThrow(SessionConfigError);
    });
  });

  describe('prefetchKeys', () => {
    let server: JwksServer;
    beforeEach(async () => {
      server = await new JwksServer().start();
      server.keys = [key.publicJwk];
    });
    afterEach(() => server.stop());

    it('is off by default: nothing is fetched before the first token', async () => {
      await build({ issuer: 'iss', jwksUri: server.url });
      expect(server.hits).toBe(0);
    });

    it('true: fetches at start-up, so the first token needs no request', async () => {
      const keys = await build({ issuer: 'iss', jwksUri: server.url, prefetchKeys: true });
      expect(server.hits).toBe(1);
      await keys.resolve({ alg: 'ES256', kid: 'sig' });
      expect(server.hits).toBe(1);
    });

    it('true: a failure is one warning and start-up goes on', async () => {
      server.handler = (_req, res) => res.writeHead(500).end();
      const log = new LogCapture();
      const keys = await build({ issuer: 'iss', jwksUri: server.url, prefetchKeys: true }, log);
      expect(log.warnings).toEqual([expect.stringMatching(/are unavailable/)]);
      await expect(keys.resolve({ alg: 'ES256', kid: 'sig' })).rejects.toEqual(expect.objectContaining({ reason: 'keys_unavailable' }));
    });

    it("'required': a failure stops start-up, naming the option", async () => {
      server.handler = (_req, res) => res.writeHead(500).end();
      const failure = build({ issuer: 'iss', jwksUri: server.url, prefetchKeys: 'required' });
      await expect(failure).rejects.toThrow(SessionConfigError);
      await expect(failure).rejects.toThrow(/"prefetchKeys" is 'required', but the keys of issuer iss could not be fetched/);
    });

    it("'required' starts when the keys are there", async () => {
      await expect(build({ issuer: 'iss', jwksUri: server.url, prefetchKeys: 'required' })).resolves.toBeDefined();
    });

    it('refuses any other value', () => {
      expect(() => new SessionOptions({ issuer: 'iss', jwksUri: server.url, prefetchKeys: 'yes' as never })).toThrow(/prefetchKeys/);
    });
  });

  it('jwksMaxStaleMs defaults to 24 hours and must be a whole number of milliseconds >= 0', () => {
    expect(new SessionOptions({ issuer: 'iss', jwks: { keys: [] } }).keyFetch.jwksMaxStaleMs).toBe(86_400_000);
    expect(new SessionOptions({ issuer: 'iss', jwks: { keys: [] }, jwksMaxStaleMs: 0 }).keyFetch.jwksMaxStaleMs).toBe(0);
    expect(() => new SessionOptions({ issuer: 'iss', jwks: { keys: [] }, jwksMaxStaleMs: -1 })).toThrow(/jwksMaxStaleMs/);
  });

  it('a SessionError is what a look-up fails with, never a raw jose error', async () => {
    const keys = await build({ issuer: 'iss', jwks: { keys: [key.publicJwk] } });
    await expect(keys.resolve({ alg: 'HS256', kid: 'sig' })).rejects.toBeInstanceOf(SessionError);
  });
});
