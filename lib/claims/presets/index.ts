import type { ClaimsMapper } from '../claims-mapper.interface.js';
import { auth0Claims } from './auth0.preset.js';
import { descopeClaims } from './descope.preset.js';
import { keycloakClaims } from './keycloak.preset.js';
import { oidcClaims } from './oidc.preset.js';
import { supertokensClaims } from './supertokens.preset.js';

/**
 * The claim layouts known by name, each with its defaults. Each preset lives in its own file;
 * those with settings (`keycloakClaims({ clientId })`, `auth0Claims({ rolesClaim })`) are
 * passed as `claims:` directly.
 */
export const CLAIMS_PRESETS = {
  descope: descopeClaims,
  keycloak: keycloakClaims(),
  auth0: auth0Claims(),
  supertokens: supertokensClaims,
  oidc: oidcClaims,
} as const satisfies Record<string, ClaimsMapper>;

export type ClaimsPreset = keyof typeof CLAIMS_PRESETS;

export function isClaimsPreset(name: unknown): name is ClaimsPreset {
  return typeof name === 'string' && Object.hasOwn(CLAIMS_PRESETS, name);
}

export { auth0Claims, type Auth0ClaimsOptions } from './auth0.preset.js';
export { descopeClaims } from './descope.preset.js';
export { keycloakClaims, type KeycloakClaimsOptions } from './keycloak.preset.js';
export { oidcClaims } from './oidc.preset.js';
export { supertokensClaims } from './supertokens.preset.js';
