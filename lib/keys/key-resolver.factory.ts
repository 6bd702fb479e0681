import { Logger } from '@nestjs/common';
import { createLocalJWKSet, createRemoteJWKSet, customFetch } from 'jose';
import { SessionConfigError } from '../errors/session-config.error.js';
import type { KeySource, SessionOptions } from '../options/session-options.js';
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
async function pemResolver(pems: readonly string[], options: SessionOptions): Promise<KeyResolver> {
  for (const pem of pems) {
    const single = new PemKeyResolver([pem]);
    const usable = await Promise.all(options.algorithms.map((alg) => single.keysFor(alg)));
    if (!usable.some((keys) => keys.length > 0)) {
      throw new SessionConfigError('publicKey', `holds a key that none of the allowed algorithms (${options.algorithms.join(', ')}) can use`);
    }
  }
  return new PemKeyResolver(pems);
}

async function resolverFor(source: KeySource, options: SessionOptions): Promise<KeyResolver> {
  switch (source.kind) {
    case 'publicKey':
      return pemResolver(source.pems, options);
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

/** One resolver for all configured key sources. */
export async function createKeyResolver(options: SessionOptions): Promise<KeyResolver> {
  const resolvers = await Promise.all(options.keySources.map((source) => resolverFor(source, options)));
  return resolvers.length === 1 ? resolvers[0]! : new CompositeKeyResolver(resolvers);
}
