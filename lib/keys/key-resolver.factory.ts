import { Logger } from '@nestjs/common';
import { createLocalJWKSet, exportJWK, importSPKI, type JSONWebKeySet } from 'jose';
import { SessionConfigError } from '../errors/session-config.error.js';
import type { IssuerConfig, KeySource } from '../options/issuer-config.js';
import type { KeyFetchConfig } from '../provider/fetch-options.js';
import { ProviderDirectory } from '../provider/provider-directory.js';
import { CompositeKeyResolver } from './composite-key.resolver.js';
import { DiscoveredJwksResolver } from './discovered-jwks.resolver.js';
import { JwksKeyResolver, type JoseKeySet } from './jwks-key.resolver.js';
import type { KeyResolver } from './key-resolver.interface.js';
import { unusableReason, usableKeySet } from './key-usability.js';
import { OutageLog, type KeyLogger } from './outage-log.js';
import { PemKeyResolver } from './pem-key.resolver.js';
import { RemoteKeySet } from './remote-key-set.js';
import { SecretKeyResolver } from './secret-key.resolver.js';
import { SkippedKeys } from './skipped-keys.js';

const defaultLogger = new Logger('SessionKeys');

/**
 * Each PEM is checked at start-up as a fetched key would be: one that no allowed algorithm
 * accepts, or that is unusable (RSA under 2048 bits, the ROCA fingerprint, a small-order Ed25519
 * point), is a configuration error, not a silent refusal of every token.
 */
async function pemResolver(pems: readonly string[], algorithms: readonly string[]): Promise<KeyResolver> {
  for (const pem of pems) {
    const single = new PemKeyResolver([pem]);
    const usable = await Promise.all(algorithms.map(async (alg) => ((await single.keysFor(alg)).length ? alg : undefined)));
    const alg = usable.find((candidate) => candidate !== undefined);
    if (alg === undefined) {
      throw new SessionConfigError('publicKey', `holds a key that none of the allowed algorithms (${algorithms.join(', ')}) can use`);
    }
    const reason = unusableReason(await exportJWK(await importSPKI(pem, alg, { extractable: true })), algorithms);
    if (reason !== undefined) throw new SessionConfigError('publicKey', `holds a key that ${reason}`);
  }
  return new PemKeyResolver(pems);
}

/** A configured key set gets the same screening as a fetched one; one with no usable key cannot start. */
function localJwksResolver(jwks: JSONWebKeySet, issuer: IssuerConfig, logger: KeyLogger): KeyResolver {
  const skipped = new SkippedKeys();
  const usable = usableKeySet(jwks, issuer.algorithms, skipped.add);
  const summary = skipped.summary('the jwks option', jwks.keys.length);
  if (summary !== undefined) logger.warn(summary);
  if (!usable.keys.length) throw new SessionConfigError('jwks', 'holds no key usable for signature verification with the allowed algorithms');
  return new JwksKeyResolver(createLocalJWKSet(usable) as JoseKeySet);
}

function resolverFor(source: KeySource, issuer: IssuerConfig, options: KeyFetchConfig, directory: ProviderDirectory, logger: KeyLogger): Promise<KeyResolver> | KeyResolver {
  const remote = (url: URL) =>
    new RemoteKeySet(
      url,
      {
        fetchLimits: options.fetchLimits,
        cooldownMs: options.jwksCooldownMs,
        cacheMaxAgeMs: options.jwksCacheMaxAgeMs,
        maxStaleMs: options.jwksMaxStaleMs,
        algorithms: issuer.algorithms,
      },
      logger,
    );
  switch (source.kind) {
    case 'publicKey':
      return pemResolver(source.pems, issuer.algorithms);
    case 'jwks':
      return localJwksResolver(source.jwks, issuer, logger);
    case 'jwksUri':
      return remote(source.url);
    case 'discovery':
      return new DiscoveredJwksResolver(directory.discovery(source.issuer), remote, new OutageLog(logger, `discovery of ${source.issuer}`));
    case 'secret':
      return new SecretKeyResolver(source.secret);
  }
}

/**
 * `prefetchKeys`: warm the remote keys now. A failure stops start-up only with `'required'`;
 * otherwise the source has already warned once and the keys are fetched on first use.
 */
async function prefetch(resolver: KeyResolver, issuer: IssuerConfig, options: KeyFetchConfig): Promise<void> {
  if (options.prefetchKeys === false || !resolver.prefetch) return;
  try {
    await resolver.prefetch();
  } catch (error) {
    if (options.prefetchKeys !== 'required') return;
    const detail = error instanceof Error ? error.message : String(error);
    throw new SessionConfigError('prefetchKeys', `is 'required', but the keys of issuer ${issuer.issuers.join(', ')} could not be fetched: ${detail}`);
  }
}

/**
 * One resolver for all of an issuer's key sources. `directory` shares discovery documents
 * with the rest of the module; `logger` receives key warnings (Nest's `SessionKeys` logger by default).
 */
export async function createKeyResolver(
  issuer: IssuerConfig,
  options: KeyFetchConfig,
  directory: ProviderDirectory = new ProviderDirectory([issuer], options),
  logger: KeyLogger = defaultLogger,
): Promise<KeyResolver> {
  const resolvers = await Promise.all(issuer.keySources.map((source) => resolverFor(source, issuer, options, directory, logger)));
  const resolver = resolvers.length === 1 ? resolvers[0]! : new CompositeKeyResolver(resolvers);
  await prefetch(resolver, issuer, options);
  return resolver;
}
