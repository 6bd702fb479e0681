import type { Provider } from '@nestjs/common';
import { VerifiedSessionCache } from './cache/verified-session-cache.js';
import { IntrospectionRouter } from './introspection/introspection-router.js';
import { createKeyResolver } from './keys/key-resolver.factory.js';
import { SessionLifecycle } from './lifecycle/session-lifecycle.js';
import { TokenEndpointClient } from './lifecycle/token-endpoint.client.js';
import type { SessionModuleOptions } from './options/session-module-options.interface.js';
import { SessionOptions } from './options/session-options.js';
import { ProviderDirectory } from './provider/provider-directory.js';
import { RevocationCheck } from './revocation/revocation-check.js';
import { SessionValidator } from './service/session-validator.js';
import { SESSION_MODULE_OPTIONS } from './session-module.definition.js';
import { SESSION_OPTIONS } from './session.constants.js';
import { IssuerVerifier } from './verification/issuer-verifier.js';
import { TokenVerifier } from './verification/token-verifier.js';

/**
 * The module's building blocks, each a provider that receives its own part of the options: the
 * checked options, the provider directory, the token verifier (one per issuer, with its keys),
 * the verified-session cache, the revocation check, the session validator, the token endpoint
 * client and the session lifecycle. `SessionService` is a facade over them.
 */
export const SESSION_PROVIDERS: Provider[] = [
  {
    provide: SESSION_OPTIONS,
    inject: [SESSION_MODULE_OPTIONS],
    useFactory: (options: SessionModuleOptions) => new SessionOptions(options),
  },
  {
    provide: ProviderDirectory,
    inject: [SESSION_OPTIONS],
    useFactory: (options: SessionOptions) => new ProviderDirectory(options.issuerConfigs, options.keyFetch),
  },
  {
    provide: TokenVerifier,
    inject: [SESSION_OPTIONS, ProviderDirectory],
    useFactory: async (options: SessionOptions, directory: ProviderDirectory) => {
      const verifiers = await Promise.all(
        options.issuerConfigs.map(async (issuer) => new IssuerVerifier(issuer, await createKeyResolver(issuer, options.keyFetch, directory), options.verification)),
      );
      return new TokenVerifier(options.verification, verifiers);
    },
  },
  {
    // `undefined` when `sessionCache: false`.
    provide: VerifiedSessionCache,
    inject: [SESSION_OPTIONS],
    useFactory: (options: SessionOptions) => (options.sessionCache === false ? undefined : new VerifiedSessionCache(options.sessionCache)),
  },
  {
    provide: RevocationCheck,
    inject: [SESSION_OPTIONS],
    useFactory: (options: SessionOptions) => new RevocationCheck(options.revocation),
  },
  {
    provide: IntrospectionRouter,
    inject: [SESSION_OPTIONS, ProviderDirectory, TokenVerifier],
    useFactory: (options: SessionOptions, directory: ProviderDirectory, verifier: TokenVerifier) => new IntrospectionRouter(options, directory, verifier),
  },
  SessionValidator,
  {
    provide: TokenEndpointClient,
    inject: [SESSION_OPTIONS, ProviderDirectory],
    useFactory: (options: SessionOptions, directory: ProviderDirectory) => new TokenEndpointClient(options.lifecycle, directory, options.keyFetch.fetchLimits),
  },
  {
    provide: SessionLifecycle,
    inject: [SESSION_OPTIONS, TokenEndpointClient, RevocationCheck, SessionValidator],
    useFactory: (options: SessionOptions, endpoints: TokenEndpointClient, revocations: RevocationCheck, validator: SessionValidator) =>
      new SessionLifecycle(options.lifecycle, options.verification.clockTolerance * 1000, endpoints, options.revocation, revocations, validator),
  },
];
