import { createHmac, webcrypto } from 'node:crypto';
import type { TestKey } from '../../support/keys.js';

/** WebCrypto parameters per JWS algorithm, for signing whatever bytes a test chooses. */
const SIGNING: Record<string, webcrypto.AlgorithmIdentifier | webcrypto.EcdsaParams | webcrypto.RsaPssParams> = {
  ES256: { name: 'ECDSA', hash: 'SHA-256' },
  ES384: { name: 'ECDSA', hash: 'SHA-384' },
  ES512: { name: 'ECDSA', hash: 'SHA-512' },
  RS256: { name: 'RSASSA-PKCS1-v1_5' },
  RS384: { name: 'RSASSA-PKCS1-v1_5' },
  RS512: { name: 'RSASSA-PKCS1-v1_5' },
  PS256: { name: 'RSA-PSS', saltLength: 32 },
  PS384: { name: 'RSA-PSS', saltLength: 48 },
  PS512: { name: 'RSA-PSS', saltLength: 64 },
  EdDSA: { name: 'Ed25519' },
  Ed25519: { name: 'Ed25519' },
};

/** A JSON part as given: an object is serialized, a string is taken as the exact JSON text (duplicate names ...). */
export function segment(part: object | string): string {
  return Buffer.from(typeof part === 'string' ? part : JSON.stringify(part)).toString('base64url');
}

/** The signature, base64url, of exactly `input` (the ASCII signing input) with the key's private half. */
export async function signInput(input: string, key: TestKey): Promise<string> {
  const params = SIGNING[key.alg];
  if (!params) throw new Error(`forge does not sign ${key.alg}`);
  const signature = await webcrypto.subtle.sign(params, key.privateKey as webcrypto.CryptoKey, Buffer.from(input, 'ascii'));
  return Buffer.from(signature).toString('base64url');
}

/** A compact JWS signed with `key`, nothing checked: the header and payload are exactly what the test says. */
export async function forge(header: object | string, payload: object | string, key: TestKey): Promise<string> {
  const input = `${segment(header)}.${segment(payload)}`;
  return `${input}.${await signInput(input, key)}`;
}

const HMAC_HASH: Record<string, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

/** An HMAC JWS keyed with `secret` (any bytes: a PEM, a JWK's text, a modulus), whatever key the server holds. */
export function forgeHmac(alg: 'HS256' | 'HS384' | 'HS512', header: object, payload: object | string, secret: string | Uint8Array): string {
  const input = `${segment({ ...header, alg })}.${segment(payload)}`;
  return `${input}.${createHmac(HMAC_HASH[alg]!, secret).update(input).digest('base64url')}`;
}
