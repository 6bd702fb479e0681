import { decodeJwt } from 'jose';
import type { Session } from '../claims/session.interface.js';
import { SessionConfigError } from '../errors/session-config.error.js';
import { SessionError } from '../errors/session-error.js';
import type { ClientCredentials } from '../lifecycle/client-authentication.js';
import type { SessionOptions } from '../options/session-options.js';
import type { ProviderDirectory } from '../provider/provider-directory.js';
import type { TokenVerifier } from '../verification/token-verifier.js';
import { IntrospectionEndpoint, type IntrospectionJwtVerifier } from './introspection-endpoint.js';
import { verifyIntrospectionJwt } from './introspection-jwt.js';
import { TokenIntrospector } from './token-introspector.js';

/** The unverified `iss` of a token shaped as a JWS, or `null` when the token is no JWT (opaque). */
function jwtIssuer(token: string): string | undefined | null {
  if (token.split('.').length !== 3) return null;
  try {
    const { iss } = decodeJwt(token);
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return null;
  }
}

/**
 * Decides which tokens are introspected rather than verified: a token that is not a JWT goes to
 * the one issuer with `introspection`; a JWT goes to its issuer when that issuer introspects
 * `tokens: 'all'`. Everything else is verified offline as before.
 */
export class IntrospectionRouter {
  private readonly introspectors: readonly TokenIntrospector[];
  private readonly opaque?: TokenIntrospector;

  /** `verifier` holds each issuer's keys, for signed answers (RFC 9701). */
  constructor(private readonly options: SessionOptions, directory: ProviderDirectory, verifier?: TokenVerifier) {
    this.introspectors = options.issuerConfigs.flatMap((issuer) => {
      if (issuer.introspection === undefined) return [];
      const client = this.clientOf(issuer.introspection.client);
      let verifyJwt: IntrospectionJwtVerifier | undefined;
      if (issuer.introspection.jwtResponse) {
        const keys = verifier?.verifiers.find((candidate) => candidate.config === issuer)?.keys;
        if (keys === undefined) throw new SessionConfigError('introspection.jwtResponse', "needs the issuer's keys");
        verifyJwt = (jwt) => verifyIntrospectionJwt(jwt, keys, issuer, client.clientId!, options.verification.clockTolerance);
      }
      const endpoint = new IntrospectionEndpoint(issuer.issuers[0]!, issuer.introspection.endpoint, client, directory, options.keyFetch.fetchLimits, verifyJwt);
      return [new TokenIntrospector(issuer, issuer.introspection, endpoint, options.verification.clockTolerance)];
    });
    if (this.introspectors.length > 1) {
      throw new SessionConfigError('introspection', 'is set on several issuers: an opaque token does not say whose it is, so one issuer at most may introspect');
    }
    this.opaque = this.introspectors[0];
  }

  /** `undefined` when the token is to be verified offline. */
  introspect(token: string): Promise<Session> | undefined {
    if (this.opaque === undefined) return undefined;
    if (typeof token !== 'string' || token.length > this.options.verification.maxTokenLength) {
      return Promise.reject(new SessionError('token_malformed', { message: 'The session token is missing or too long' }));
    }
    const iss = jwtIssuer(token);
    if (iss === null) return this.opaque.session(token);
    const all = this.opaque.issuer.introspection?.tokens === 'all';
    const itsIssuer = this.options.issuerConfigs.length === 1 || (iss !== undefined && this.opaque.issuer.issuers.includes(iss));
    return all && itsIssuer ? this.opaque.session(token) : undefined;
  }

  private clientOf(own: ClientCredentials | undefined): ClientCredentials {
    const client = own ?? this.options.lifecycle.client;
    if (client.clientId === undefined) {
      throw new SessionConfigError('introspection.clientId', 'or the module clientId is required: the introspection endpoint authenticates its callers');
    }
    return client;
  }
}
