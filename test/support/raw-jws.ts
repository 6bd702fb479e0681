import { createHmac, webcrypto } from 'node:crypto';
import { b64url, type TestKey } from './keys.js';

/** WebCrypto parameters for the JWS algorithms the hostile-token tests sign with. */
const SIGNING: Record<string, webcrypto.AlgorithmIdentifier | webcrypto.EcdsaParams | webcrypto.RsaPssParams> = {
  ES256: { name: 'ECDSA', hash: 'SHA-256' },
  ES384: { name: 'ECDSA', hash: 'SHA-384' },
  RS256: { name: 'RSASSA-PKCS1-v1_5' },
  PS256: { name: 'RSA-PSS', saltLength: 32 },
};

function signingInput(header: object, payload: object | string): string {
  return `${b64url(header)}.${b64url(typeof payload === 'string' ? payload : JSON.stringify(payload))}`;
}

/**
 * A compact JWS signed with `key` from raw parts, bypassing jose's checks at signing time
 * (an unknown `crit`, `exp` as a string ...): the header and payload are taken as given.
 */
export async function signCompact(header: object, payload: object | string, key: TestKey): Promise<string> {
  const params = SIGNING[key.alg];
  if (!params) throw new Error(`signCompact does not know ${key.alg}`);
  const input = signingInput(header, payload);
  const signature = await webcrypto.subtle.sign(params, key.privateKey as webcrypto.CryptoKey, new TextEncoder().encode(input));
  return `${input}.${Buffer.from(signature).toString('base64url')}`;
}

/** A compact JWS with an HMAC-SHA-256 signature keyed with `secret`, whatever the header claims. */
export function hmacCompact(header: object, payload: object | string, secret: string | Uint8Array): string {
  const input = signingInput(header, payload);
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}
