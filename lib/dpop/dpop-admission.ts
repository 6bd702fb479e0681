import type { Session } from '../claims/session.interface.js';
import { SessionConfigError } from '../errors/session-config.error.js';
import { SessionError } from '../errors/session-error.js';
import type { RequestCredentials } from '../extraction/token-extractor.interface.js';
import { isReplayStore } from '../replay/replay-store.interface.js';
import type { RevocationConfig } from '../revocation/revocation-options.js';
import type { DpopConfig, DpopMode } from './dpop-options.js';
import { DpopProofCheck, type DpopRequestUrl, type VerifiedDpopProof } from './dpop-proof-check.js';

/** The request a proof is checked against; `url` is absent where no proof can travel (WebSocket messages, microservices). */
export interface DpopRequest extends RequestCredentials {
  readonly method?: string;
  readonly url?: DpopRequestUrl;
}

/** How the token arrived: `Authorization: DPoP` or any other way (Bearer, cookie, custom extractor). */
export type TokenScheme = 'dpop' | 'other';

function boundKey(session: Session): string | undefined {
  const cnf = session.claims.cnf;
  const jkt = typeof cnf === 'object' && cnf !== null ? (cnf as Record<string, unknown>).jkt : undefined;
  return typeof jkt === 'string' ? jkt : undefined;
}

/**
 * RFC 9449 for the guard: which routes take DPoP, where the DPoP token is, and after the token is
 * validated (from the verified-session cache or not) the proof and the binding, on every request.
 */
export class DpopAdmission {
  readonly proofs: DpopProofCheck;
  /** One check per HTTP request: the root fields of one GraphQL operation each run the guard on it. */
  private readonly checked = new WeakMap<object, { readonly token: string; readonly proof: Promise<VerifiedDpopProof> }>();

  constructor(
    private readonly config: DpopConfig,
    clockToleranceSeconds: number,
    revocation: RevocationConfig,
  ) {
    const replays = isReplayStore(revocation.store) ? revocation.store : undefined;
    if (config.mode !== undefined && replays === undefined) {
      throw new SessionConfigError('revocationStore', 'must offer claimOnce (a ReplayStore) for dpop: every proof jti is claimed there');
    }
    this.proofs = new DpopProofCheck(config, clockToleranceSeconds, replays, revocation.failOpen);
  }

  /** `Authorization: DPoP <token>` (scheme case-insensitive, exactly one token); `undefined` for any other header. */
  dpopToken(request: RequestCredentials): string | undefined {
    const authorization = request.header('authorization')?.trim();
    if (authorization === undefined || authorization.slice(0, 5).toLowerCase() !== 'dpop ') return undefined;
    const token = authorization.slice(5).trim();
    if (token.length === 0 || /[\s,]/.test(token)) throw this.bindingError('The Authorization header must carry exactly one DPoP token');
    return token;
  }

  /** `token_missing`, challenging with `DPoP algs="..."` (and `Bearer` too where Bearer is accepted). */
  missing(mode: DpopMode): SessionError {
    return new SessionError('token_missing', { dpopChallenge: { algs: this.config.algorithms, bearerToo: mode === 'allowed' } });
  }

  /**
   * The proof and the binding of a validated session. Returns the nonce to send with the answer
   * (`DPoP-Nonce`), when server nonces are on.
   */
  async admit(mode: DpopMode, scheme: TokenScheme, request: DpopRequest, session: Session): Promise<string | undefined> {
    const jkt = boundKey(session);
    if (scheme !== 'dpop') {
      if (mode === 'required') throw this.bindingError('This route accepts DPoP-bound tokens only (Authorization: DPoP)');
      if (jkt !== undefined) throw this.bindingError('A DPoP-bound token must be sent with the DPoP scheme and a proof');
      return undefined;
    }
    if (jkt === undefined) throw this.bindingError('The token is not DPoP-bound (no cnf.jkt)');
    // WebSocket messages and microservice messages carry no HTTP request a proof could name.
    if (request.url === undefined || request.method === undefined) throw this.proofs.invalid('DPoP proofs are checked on HTTP requests only');
    const proof = await this.checkOnce(request as DpopRequest & { url: DpopRequestUrl; method: string }, session.token);
    if (proof.jkt !== jkt) throw this.bindingError('The token is bound to another key than the DPoP proof (cnf.jkt)');
    return this.proofs.nonces?.current();
  }

  private checkOnce(request: DpopRequest & { url: DpopRequestUrl; method: string }, token: string): Promise<VerifiedDpopProof> {
    const raw = typeof request.raw === 'object' && request.raw !== null ? request.raw : undefined;
    const earlier = raw && this.checked.get(raw);
    if (earlier && earlier.token === token) return earlier.proof;
    const proof = this.proofs.check({ method: request.method, url: request.url, header: (name) => request.header(name), token });
    if (raw) this.checked.set(raw, { token, proof });
    return proof;
  }

  /** A step of a request whose token came with the DPoP scheme: its 401 refusals carry the DPoP challenge. */
  challenging<T>(viaDpop: boolean, step: Promise<T>): Promise<T> {
    // Not async: a Bearer request (every request with DPoP off) gets its step back unwrapped.
    if (!viaDpop) return step;
    return step.catch((error: unknown) => {
      throw error instanceof SessionError ? this.rechallenge(error) : error;
    });
  }

  /** `error="invalid_token"` in a DPoP challenge, for a token refused as Bearer tokens are. */
  private rechallenge(error: SessionError): SessionError {
    if (error.dpopChallenge !== undefined || error.status !== 401) return error;
    return new SessionError(error.reason, {
      message: error.message,
      cause: error.cause,
      dpopChallenge: { error: 'invalid_token', algs: this.config.algorithms },
      ...(error.providerError !== undefined && { providerError: error.providerError }),
      ...(error.failedValidators !== undefined && { failedValidators: error.failedValidators }),
    });
  }

  private bindingError(message: string): SessionError {
    return new SessionError('dpop_invalid', { message, dpopChallenge: { error: 'invalid_token', algs: this.config.algorithms } });
  }
}
