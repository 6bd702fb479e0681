import { nonEmptyString } from '../config/option-readers.js';

/** The `WWW-Authenticate` challenge of refusals, as an application writes it (part of `SessionModuleOptions`). */
export interface ChallengeOptions {
  /** `realm` of the `WWW-Authenticate` challenge. Default none. */
  realm?: string;
}

export const CHALLENGE_OPTION_KEYS: readonly (keyof ChallengeOptions)[] = Object.freeze(['realm']);

export interface ChallengeConfig {
  readonly realm?: string;
}

export function readChallengeOptions(input: ChallengeOptions): ChallengeConfig {
  return Object.freeze(input.realm === undefined ? {} : { realm: nonEmptyString('realm', input.realm) });
}
