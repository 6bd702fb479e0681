import { quote } from '../errors/quoted-string.js';
import type { SessionError } from '../errors/session-error.js';

/** What a `DPoP` challenge (RFC 9449 section 7.1) says beside the refusal's reason. */
export interface DpopChallenge {
  /** Absent when the request carried no token (`token_missing`). */
  readonly error?: 'invalid_dpop_proof' | 'invalid_token' | 'use_dpop_nonce';
  /** The proof algorithms accepted, listed in every DPoP challenge. */
  readonly algs: readonly string[];
  /** Bearer tokens are accepted as well (`dpop: 'allowed'`): a `Bearer` challenge goes beside. */
  readonly bearerToo?: boolean;
  /** `use_dpop_nonce`: sent in the `DPoP-Nonce` header. */
  readonly nonce?: string;
}

/** The `WWW-Authenticate` value: `DPoP error="...", error_description="...", algs="..."` (and `Bearer` first when both are accepted). */
export function dpopChallengeHeader(error: SessionError, challenge: DpopChallenge, realm: string | undefined): string {
  const realmParam = realm === undefined ? [] : [`realm=${quote(realm)}`];
  const params = [...realmParam];
  if (challenge.error !== undefined) params.push(`error="${challenge.error}"`, `error_description=${quote(error.message)}`);
  params.push(`algs=${quote(challenge.algs.join(' '))}`);
  const dpop = `DPoP ${params.join(', ')}`;
  if (!challenge.bearerToo) return dpop;
  return `${realmParam.length ? `Bearer ${realmParam.join(', ')}` : 'Bearer'}, ${dpop}`;
}
