import type { ClaimsMapper } from '../claims-mapper.interface.js';
import { descopeClaims } from './descope.preset.js';

/** The claim layouts known by name. Each preset lives in its own file. */
export const CLAIMS_PRESETS = {
  descope: descopeClaims,
} as const satisfies Record<string, ClaimsMapper>;

export type ClaimsPreset = keyof typeof CLAIMS_PRESETS;

export function isClaimsPreset(name: unknown): name is ClaimsPreset {
  return typeof name === 'string' && Object.hasOwn(CLAIMS_PRESETS, name);
}
