import { CompactEncrypt, compactDecrypt } from 'jose';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Tokens at rest: sealed as a JWE (`dir`, `A256GCM`) when a key is configured, kept as they are
 * otherwise. Each sealed value names the session it belongs to (the JWE's authenticated `sid`
 * header), so a token cannot be moved from one record to another in the store.
 */
export class TokenSealer {
  constructor(private readonly key?: Uint8Array) {}

  async seal(token: string, sessionId: string): Promise<string>;
  async seal(token: string | undefined, sessionId: string): Promise<string | undefined>;
  async seal(token: string | undefined, sessionId: string): Promise<string | undefined> {
    if (token === undefined || this.key === undefined) return token;
    return new CompactEncrypt(encoder.encode(token)).setProtectedHeader({ alg: 'dir', enc: 'A256GCM', sid: sessionId }).encrypt(this.key);
  }

  async open(value: string, sessionId: string): Promise<string>;
  async open(value: string | undefined, sessionId: string): Promise<string | undefined>;
  async open(value: string | undefined, sessionId: string): Promise<string | undefined> {
    if (value === undefined || this.key === undefined) return value;
    const { plaintext, protectedHeader } = await compactDecrypt(value, this.key, { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] });
    if (protectedHeader.sid !== sessionId) throw new Error('The sealed token belongs to another session');
    return decoder.decode(plaintext);
  }
}
