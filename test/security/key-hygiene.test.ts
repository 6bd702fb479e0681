import { generateKeyPairSync, webcrypto } from 'node:crypto';
import { exportJWK, type JWK } from 'jose';
import { SessionConfigError, SessionModule } from '../../lib/index.js';
import { compileModule } from '../support/nest-app.js';
import { ISSUER, makeKey, standardClaims, type TestKey } from '../support/keys.js';
import { LoopbackServer } from '../support/loopback-server.js';
import { forge, segment } from './support/forge.js';
import { AUDIENCE, expectInvalid, startTarget, type Target } from './support/target-app.js';

/** An RSA key of `bits` (Node generates any size; WebCrypto then signs with it), published with `kid`. */
async function rsaKey(bits: number, kid: string): Promise<TestKey> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const imported = await webcrypto.subtle.importKey('pkcs8', privateKey.export({ type: 'pkcs8', format: 'der' }), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { alg: 'RS256', kid, privateKey: imported as never, publicKey: publicKey as never, publicJwk, publicPem: publicKey.export({ type: 'spki', format: 'pem' }) as string };
}

/** Big-endian bytes of `value`, `size` long. */
function bytes(value: bigint, size: number): Buffer {
  return Buffer.from(value.toString(16).padStart(size * 2, '0'), 'hex');
}

/** Group orders of the curves (SEC 2), for signatures with r or s equal to 0, 1, n - 1 or n. */
const CURVE_ORDER = {
  ES256: { n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n, size: 32 },
  ES384: { n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n, size: 48 },
};

describe('key hygiene and signature special cases', () => {
  let es256: TestKey;
  let es384: TestKey;
  let strong: TestKey;
  let weak: TestKey;
  let encryption: TestKey;
  let unusable: JWK[];
  let app: Target;
  let remoteApp: Target;
  let provider: LoopbackServer;
  const claims = () => standardClaims({ aud: AUDIENCE, roles: ['admin'] });

  beforeAll(async () => {
    [es256, es384, strong, weak, encryption] = await Promise.all([
      makeKey('ES256', 'es256'),
      makeKey('ES384', 'es384'),
      rsaKey(2048, 'rsa-2048'),
      rsaKey(1024, 'rsa-1024'),
      rsaKey(2048, 'rsa-enc'),
    ]);
    unusable = [
      weak.publicJwk,
      { ...encryption.publicJwk, use: 'enc' },
      { ...encryption.publicJwk, kid: 'ops-encrypt', use: undefined, key_ops: ['encrypt'] } as JWK,
      { kty: 'oct', kid: 'hmac', k: Buffer.from('a-secret-published-by-mistake-32b!').toString('base64url'), alg: 'HS256' },
    ];
    const keys = [es256.publicJwk, es384.publicJwk, strong.publicJwk, ...unusable];
    provider = await new LoopbackServer().json('/jwks.json', { keys }).start();
    app = await startTarget({ jwks: { keys } });
    remoteApp = await startTarget({ jwksUri: `${provider.origin}/jwks.json` });
  });
  afterAll(async () => {
    await app.close();
    await remoteApp.close();
    await provider.stop();
  });

  it('accepts tokens from the usable keys of the set, local or remote', async () => {
    for (const key of [es256, es384, strong]) {
      const token = await forge({ alg: key.alg, kid: key.kid }, claims(), key);
      for (const target of [app, remoteApp]) expect((await target.get('/admin', { token })).status).toBe(200);
    }
  });

  describe('unusable published keys are never candidates', () => {
    it('an RSA key under 2048 bits: its tokens are key_not_found, with its kid or without', async () => {
      for (const header of [{ kid: weak.kid }, {}]) {
        const token = await forge({ alg: 'RS256', ...header }, claims(), weak);
        // With its kid nothing matches; without one the usable RSA key is tried and does not fit.
        for (const target of [app, remoteApp]) expectInvalid(await target.get('/admin', { token }), header.kid ? 'key_not_found' : 'signature_invalid', token);
      }
    });

    it('a key marked use: "enc" or key_ops without "verify": its tokens are refused', async () => {
      for (const kid of ['rsa-enc', 'ops-encrypt']) {
        const token = await forge({ alg: 'RS256', kid }, claims(), encryption);
        for (const target of [app, remoteApp]) expectInvalid(await target.get('/admin', { token }), 'key_not_found', token);
      }
      const noKid = await forge({ alg: 'RS256' }, claims(), encryption);
      for (const target of [app, remoteApp]) expectInvalid(await target.get('/admin', { token: noKid }), 'signature_invalid', noKid);
    });

    it('a symmetric (oct) key in the set: HS256 keyed with it is algorithm_not_allowed', async () => {
      const { createHmac } = await import('node:crypto');
      const input = `${segment({ alg: 'HS256', kid: 'hmac' })}.${segment(claims())}`;
      const secret = Buffer.from(unusable[3]!.k!, 'base64url');
      const token = `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
      for (const target of [app, remoteApp]) expectInvalid(await target.get('/admin', { token }), 'algorithm_not_allowed', token);
    });

    it('a key set with no usable key stops start-up, naming the option', async () => {
      await expect(compileModule({ imports: [SessionModule.forRoot({ issuer: ISSUER, jwks: { keys: unusable } })] })).rejects.toThrow(SessionConfigError);
      await expect(compileModule({ imports: [SessionModule.forRoot({ issuer: ISSUER, jwks: { keys: unusable } })] })).rejects.toThrow(/jwks/);
    });

    it('a PEM of an RSA key under 2048 bits stops start-up, naming the option', async () => {
      await expect(compileModule({ imports: [SessionModule.forRoot({ issuer: ISSUER, publicKey: weak.publicPem })] })).rejects.toThrow(/"publicKey"/);
    });
  });

  describe.each(['ES256', 'ES384'] as const)('%s signatures with r or s out of range (Wycheproof special cases, CVE-2022-21449)', (alg) => {
    const { n, size } = CURVE_ORDER[alg];
    const values: [string, bigint][] = [['0', 0n], ['1', 1n], ['n - 1', n - 1n], ['n', n], ['n + 1', n + 1n], ['2^(8·size) - 1', (1n << BigInt(size * 8)) - 1n]];
    const pairs = values.flatMap(([rName, r]) => values.map(([sName, s]) => [`r = ${rName}, s = ${sName}`, r, s] as const));

    it('are signature_invalid, every pair', async () => {
      const key = alg === 'ES256' ? es256 : es384;
      const input = `${segment({ alg, kid: key.kid })}.${segment(claims())}`;
      for (const [name, r, s] of pairs) {
        const token = `${input}.${Buffer.concat([bytes(r, size), bytes(s, size)]).toString('base64url')}`;
        const answer = await app.get('/admin', { token });
        expect({ name, status: answer.status, reason: answer.body.reason }).toEqual({ name, status: 401, reason: 'signature_invalid' });
      }
    });

    it('a valid signature in DER form instead of r || s, or cut or padded, is signature_invalid', async () => {
      const key = alg === 'ES256' ? es256 : es384;
      const [h, p, s] = (await forge({ alg, kid: key.kid }, claims(), key)).split('.');
      const raw = Buffer.from(s!, 'base64url');
      const integer = (value: Buffer) => {
        const trimmed = value.subarray(value.findIndex((byte) => byte !== 0));
        const body = trimmed[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
        return Buffer.concat([Buffer.from([0x02, body.length]), body]);
      };
      const sequence = Buffer.concat([integer(raw.subarray(0, size)), integer(raw.subarray(size))]);
      const der = Buffer.concat([Buffer.from([0x30, sequence.length]), sequence]);
      for (const signature of [der, raw.subarray(0, raw.length - 1), Buffer.concat([raw, Buffer.from([0])]), Buffer.concat([Buffer.from([0]), raw])]) {
        const token = `${h}.${p}.${signature.toString('base64url')}`;
        expectInvalid(await app.get('/admin', { token }), 'signature_invalid', token);
      }
    });
  });
});
