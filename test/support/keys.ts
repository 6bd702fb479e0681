import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export interface TestKey {
  alg: string;
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
  publicPem: string;
}

export async function makeKey(alg = 'ES256', kid = `${alg.toLowerCase()}-key`): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { alg, kid, privateKey, publicKey, publicJwk, publicPem: await exportSPKI(publicKey) };
}

export const ISSUER = 'P2testproject';

export interface SignOptions {
  key: TestKey;
  header?: Record<string, unknown>;
  /** Seconds from now; `null` leaves `exp` out. */
  expiresIn?: number | null;
}

/** A Descope-style session token signed with `key`. */
export async function signSession(claims: JWTPayload, { key, header = {}, expiresIn = 300 }: SignOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: JWTPayload = { iss: ISSUER, sub: 'U1', iat: now, ...claims };
  if (expiresIn !== null && payload.exp === undefined) payload.exp = now + expiresIn;
  return new SignJWT(payload).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...header }).sign(key.privateKey);
}

export function b64url(value: string | Uint8Array | object): string {
  const bytes = typeof value === 'string' ? Buffer.from(value) : value instanceof Uint8Array ? Buffer.from(value) : Buffer.from(JSON.stringify(value));
  return bytes.toString('base64url');
}

/** A compact token from raw parts, for tokens jose would refuse to produce. */
export function craftToken(header: object, payload: object, signature = ''): string {
  return `${b64url(header)}.${b64url(payload)}.${signature}`;
}

export function standardClaims(extra: JWTPayload = {}): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return { iss: ISSUER, sub: 'U1', iat: now, exp: now + 300, ...extra };
}
