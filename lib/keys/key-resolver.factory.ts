import { Logger } from '@nestjs/common';
import { createLocalJWKSet, createRemoteJWKSet, customFetch } from 'jose';
import { SessionConfigError } from '../errors/session-config.error.js';
import type { IssuerConfig, KeySource, SessionOptions } from '../options/session-options.js';
import { ProviderDiscovery } from '../provider/discovery.js';
import { limitedFetch } from '../provider/limited-fetch.js';
import { CompositeKeyResolver } from './composite-key.resolver.js';
import { DiscoveredJwksResolver } from './discovered-jwks.resolver.js';
import { JwksKeyResolver, type JoseKeySet } from './jwks-key.resolver.js';
import type { KeyResolver } from './key-resolver.interface.js';
import { OutageLog } from './outage-log.js';
import { PemKeyResolver } from './pem-key.resolver.js';
import { SecretKeyResolver } from './secret-key.resolver.js';

const logger = new Logger('SessionKeys');

/** jose's remote JWKS: cached, one fetch in flight, refetched on an unknown `kid` after the cooldown. */
function remoteJwks(url: URL, options: SessionOptions): KeyResolver {
  const keySet = createRemoteJWKSet(url, {
    timeoutDuration: options.fetchLimits.timeoutMs,
    cooldownDuration: options.jwksCooldownMs,
    cacheMaxAge: options.jwksCacheMaxAgeMs,
    [customFetch]: limitedFetch(options.fetchLimits),
  });
  return new JwksKeyResolver(keySet as JoseKeySet, new OutageLog(logger, url.href));
}

/** A PEM that no allowed algorithm accepts is a configuration error, not a silent `key_not_found`. */
async function pemResolver(pems: readonly string[], algorithms: readonly string[]): Promise<KeyResolver> {
  for (const pem of pems) {
    const single = new PemKeyResolver([pem]);
    const usable = await Promise.all(algorithms.map((alg) => single.keysFor(alg)));
    if (!usable.some((keys) => keys.length > 0)) {
      throw new SessionConfigError('publicKey', `holds a key that none of the allowed algorithms (${algorithms.join(', ')}) can use`);
    }
  }
  return new PemKeyResolver(pems);
}

async function resolverFor(source: KeySource, issuer: IssuerConfig, options: SessionOptions): Promise<KeyResolver> {
  switch (source.kind) {
    case 'publicKey':
      return pemResolver(source.pems, issuer.algorithms);
    case 'jwks':
      return new JwksKeyResolver(createLocalJWKSet(source.jwks) as JoseKeySet);
    case 'jwksUri':
      return remoteJwks(source.url, options);
    case 'discovery': {
      const discovery = new ProviderDiscovery(source.issuer, options.fetchLimits, options.jwksCooldownMs, options.allowInsecureHttp);
      return new DiscoveredJwksResolver(discovery, (url) => remoteJwks(url, options), new OutageLog(logger, `discovery of ${source.issuer}`));
    }
    case 'secret':
      return new SecretKeyResolver(source.secret);
  }
}

/** One resolver for all of an issuer's key sources. */
export async function createKeyResolver(issuer: IssuerConfig, options: SessionOptions): Promise<KeyResolver> {
  const resolvers = await Promise.all(issuer.keySources.map((source) => resolverFor(source, issuer, options)));
  return resolvers.length === 1 ? resolvers[0]! : new CompositeKeyResolver(resolvers);
}
