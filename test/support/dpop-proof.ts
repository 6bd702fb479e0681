import { createHash, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

export interface ProofOptions {
  /** The access token the proof's `ath` hashes; omitted when absent (a token request). */
  accessToken?: string;
  iat?: number;
  jti?: string;
  nonce?: string;
  /** Claims added or replaced (`undefined` removes one). */
  claims?: Record<string, unknown>;
  /** Protected header members added or replaced (`undefined` removes one). */
  header?: Record<string, unknown>;
}

export function accessTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** A client's DPoP key pair, making proofs (RFC 9449 section 4.2) with jose. */
export class DpopClientKey {
  private constructor(
    readonly alg: string,
    readonly privateKey: CryptoKey,
    readonly publicJwk: JWK,
    readonly privateJwk: JWK,
    /** RFC 7638 thumbprint: the `cnf.jkt` of tokens bound to this key. */
    readonly jkt: string,
  ) {}

  static async create(alg = 'ES256'): Promise<DpopClientKey> {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    const publicJwk = await exportJWK(publicKey);
    return new DpopClientKey(alg, privateKey, publicJwk, await exportJWK(privateKey), await calculateJwkThumbprint(publicJwk, 'sha256'));
  }

  proof(method: string, url: string, options: ProofOptions = {}): Promise<string> {
    const claims: Record<string, unknown> = {
      htm: method,
      htu: url,
      jti: options.jti ?? randomUUID(),
      iat: options.iat ?? Math.floor(Date.now() / 1000),
      ...(options.accessToken !== undefined && { ath: accessTokenHash(options.accessToken) }),
      ...(options.nonce !== undefined && { nonce: options.nonce }),
      ...options.claims,
    };
    const header: Record<string, unknown> = { alg: this.alg, typ: 'dpop+jwt', jwk: this.publicJwk, ...options.header };
    for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
    for (const [name, value] of Object.entries(header)) if (value === undefined) delete header[name];
    return new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(this.privateKey);
  }
}
