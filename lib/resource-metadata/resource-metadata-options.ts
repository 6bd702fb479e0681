import { SessionConfigError } from '../errors/session-config.error.js';
import { nonEmptyString, nonEmptyStrings, rejectUnknownKeys } from '../config/option-readers.js';
import { providerUrl } from '../provider/url-policy.js';

/** RFC 9728 protected resource metadata, as an application writes it (`resourceMetadata` in `SessionModuleOptions`). */
export interface ResourceMetadataOptions {
  /** This API's resource identifier: the URL clients ask tokens for (`https://api.example.com`, `https://api.example.com/mcp`). */
  resource: string;
  /** Issuer URLs of the authorization servers. Default: every configured issuer that is an https URL (or http on loopback). */
  authorizationServers?: string[];
  /** Scopes announced in `scopes_supported`, beside those gathered from the routes. */
  scopes?: string[];
  /**
   * `true` when the tokens' permissions are OAuth scopes (the `oidc` preset maps `scope` to
   * permissions): every `@Permissions` / `@AnyPermission` name on a route is announced as a scope.
   * Default `false`.
   */
  permissionsAreScopes?: boolean;
  /** `bearer_methods_supported`. Default `['header']`. */
  bearerMethods?: Array<'header' | 'body' | 'query'>;
  /** `resource_signing_alg_values_supported`: only when this API signs its responses. Unset: omitted. */
  resourceSigningAlgorithms?: string[];
  /** `resource_name`, shown to users. */
  resourceName?: string;
  /** `resource_documentation`: a URL of human-readable documentation. */
  resourceDocumentation?: string;
}

export interface ResourceMetadataConfig {
  readonly resource: string;
  /** Where the document is served: `/.well-known/oauth-protected-resource` plus the resource's path. */
  readonly path: string;
  /** The absolute URL of the document, named in every 401 challenge (`resource_metadata`). */
  readonly url: string;
  readonly authorizationServers: readonly string[];
  readonly scopes: readonly string[];
  readonly permissionsAreScopes: boolean;
  readonly bearerMethods: readonly string[];
  readonly resourceSigningAlgorithms?: readonly string[];
  readonly resourceName?: string;
  readonly resourceDocumentation?: string;
}

export const RESOURCE_METADATA_OPTION_KEYS = Object.freeze(['resourceMetadata'] as const);

const KNOWN: ReadonlySet<string> = new Set<keyof ResourceMetadataOptions>([
  'resource', 'authorizationServers', 'scopes', 'permissionsAreScopes', 'bearerMethods', 'resourceSigningAlgorithms', 'resourceName', 'resourceDocumentation',
]);
const BEARER_METHODS = ['header', 'body', 'query'];
const WELL_KNOWN = '/.well-known/oauth-protected-resource';

function defaultAuthorizationServers(issuers: readonly string[], allowInsecureHttp: boolean): readonly string[] {
  const urls = issuers.filter((issuer) => {
    try {
      return providerUrl('issuer', issuer, allowInsecureHttp) !== undefined;
    } catch {
      return false;
    }
  });
  if (!urls.length) throw new SessionConfigError('resourceMetadata.authorizationServers', 'is required: no configured issuer is a URL a client could discover');
  return Object.freeze(urls);
}

/** `undefined`: no metadata endpoint and no `resource_metadata` in challenges. */
export function readResourceMetadataOptions(
  input: { resourceMetadata?: ResourceMetadataOptions },
  issuers: readonly string[],
  allowInsecureHttp: boolean,
): ResourceMetadataConfig | undefined {
  const options = input.resourceMetadata;
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) throw new SessionConfigError('resourceMetadata', 'must be an object');
  rejectUnknownKeys(options, KNOWN, 'resourceMetadata.');
  const resource = providerUrl('resourceMetadata.resource', nonEmptyString('resourceMetadata.resource', options.resource), allowInsecureHttp);
  if (resource.search || resource.hash) throw new SessionConfigError('resourceMetadata.resource', 'must have no query or fragment (RFC 9728 section 1.2)');
  const path = WELL_KNOWN + (resource.pathname === '/' ? '' : resource.pathname.replace(/\/$/, ''));
  const bearerMethods = options.bearerMethods === undefined ? ['header'] : nonEmptyStrings('resourceMetadata.bearerMethods', options.bearerMethods);
  const unknownMethod = bearerMethods.find((method) => !BEARER_METHODS.includes(method));
  if (unknownMethod !== undefined) throw new SessionConfigError('resourceMetadata.bearerMethods', `holds ${JSON.stringify(unknownMethod)}; known: ${BEARER_METHODS.join(', ')}`);
  if (options.permissionsAreScopes !== undefined && typeof options.permissionsAreScopes !== 'boolean') {
    throw new SessionConfigError('resourceMetadata.permissionsAreScopes', 'must be true or false');
  }
  const optional = (key: 'resourceSigningAlgorithms' | 'resourceName' | 'resourceDocumentation') => {
    const value = options[key];
    if (value === undefined) return {};
    if (key === 'resourceSigningAlgorithms') return { [key]: nonEmptyStrings(`resourceMetadata.${key}`, value) };
    if (key === 'resourceDocumentation') return { [key]: providerUrl(`resourceMetadata.${key}`, nonEmptyString(`resourceMetadata.${key}`, value), allowInsecureHttp).href };
    return { [key]: nonEmptyString(`resourceMetadata.${key}`, value) };
  };
  return Object.freeze({
    // The identifier exactly as configured: clients compare it as a string (RFC 9728 section 3.3).
    resource: options.resource,
    path,
    url: `${resource.origin}${path}`,
    authorizationServers:
      options.authorizationServers === undefined
        ? defaultAuthorizationServers(issuers, allowInsecureHttp)
        : Object.freeze(nonEmptyStrings('resourceMetadata.authorizationServers', options.authorizationServers).map((url) => providerUrl('resourceMetadata.authorizationServers', url, allowInsecureHttp) && url)),
    scopes: options.scopes === undefined ? Object.freeze([]) : nonEmptyStrings('resourceMetadata.scopes', options.scopes),
    permissionsAreScopes: options.permissionsAreScopes === true,
    bearerMethods,
    ...optional('resourceSigningAlgorithms'),
    ...optional('resourceName'),
    ...optional('resourceDocumentation'),
  });
}
