import type { IntrospectionOptions, SessionModuleOptions } from '../../lib/index.js';
import { CLIENT, RESOURCE, type OidcProviderServer } from '../support/oidc-provider.js';

/** Options of an app that introspects the opaque tokens of a test oidc-provider, as its confidential client. */
export function introspectingOptions(provider: OidcProviderServer, introspection: IntrospectionOptions, extra: Partial<SessionModuleOptions> = {}): SessionModuleOptions {
  return { issuer: provider.issuer, audience: RESOURCE, discovery: true, claims: 'oidc', clientId: CLIENT.id, clientSecret: CLIENT.secret!, introspection, ...extra };
}
