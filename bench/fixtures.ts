import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

/** Issuer and audience of every benchmark token, Descope-style (the project id in both). */
export const ISSUER = 'P2benchproject';
export const AUDIENCE = 'P2benchproject';

export interface SigningKey {
  readonly alg: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

export async function signingKey(alg: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' && { crv: 'Ed25519' }) });
  const kid = `bench-${alg.toLowerCase()}`;
  return { alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** A session token shaped like Descope's: top-level grants, a tenants map, `sid`, `amr`. */
function sessionClaims(index: number, roles: readonly string[]): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: `U2bench${String(index).padStart(6, '0')}`,
    sid: `S2bench${String(index).padStart(6, '0')}`,
    iat: now,
    exp: now + 3600,
    amr: ['pwd'],
    roles: ['user'],
    permissions: ['read:profile'],
    tenants: { T1: { roles, permissions: ['read:reports'] }, T2: { roles: ['viewer'], permissions: [] } },
  };
}

export function signToken(key: SigningKey, index: number, tenantRoles: readonly string[] = ['admin']): Promise<string> {
  return new SignJWT(sessionClaims(index, tenantRoles))
    .setProtectedHeader({ alg: key.alg, kid: key.publicJwk.kid!, typ: 'JWT' })
    .sign(key.privateKey);
}

/** `count` distinct tokens, signed a batch at a time. */
export async function signTokens(key: SigningKey, count: number, offset = 0): Promise<string[]> {
  const tokens: string[] = [];
  for (let start = 0; start < count; start += 500) {
    const batch = Array.from({ length: Math.min(500, count - start) }, (_, i) => signToken(key, offset + start + i));
    tokens.push(...(await Promise.all(batch)));
  }
  return tokens;
}

/** The JWKS endpoint both guarded apps fetch their keys from, on loopback. */
export class JwksEndpoint {
  requests = 0;
  private server?: Server;

  constructor(private readonly keys: readonly JWK[]) {}

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  async start(): Promise<this> {
    const body = JSON.stringify({ keys: this.keys });
    this.server = createServer((_request, response) => {
      this.requests++;
      response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
