import { SessionConfigError } from '../errors/session-config.error.js';
import { nonEmptyStrings, rejectUnknownKeys } from '../config/option-readers.js';

/** Step-up authentication (RFC 9470), as an application writes it (`stepUp` in `SessionModuleOptions`). */
export interface StepUpOptions {
  /**
   * The `acr` value(s) of a multi-factor login at your provider, e.g. `'http://schemas.openid.net/pape/policies/2007/06/multi-factor'`:
   * named in `acr_values` when `mfa()` fails. Unset: an `mfa()` challenge carries no `acr_values`.
   */
  mfaAcr?: string | string[];
}

export interface StepUpConfig {
  readonly mfaAcr: readonly string[];
}

export const STEP_UP_OPTION_KEYS = Object.freeze(['stepUp'] as const);

const KNOWN: ReadonlySet<string> = new Set<keyof StepUpOptions>(['mfaAcr']);

export function readStepUpOptions(input: { stepUp?: StepUpOptions }): StepUpConfig {
  const options = input.stepUp;
  if (options === undefined) return Object.freeze({ mfaAcr: Object.freeze([]) });
  if (typeof options !== 'object' || options === null) throw new SessionConfigError('stepUp', 'must be an object');
  rejectUnknownKeys(options, KNOWN, 'stepUp.');
  return Object.freeze({ mfaAcr: options.mfaAcr === undefined ? Object.freeze([]) : nonEmptyStrings('stepUp.mfaAcr', options.mfaAcr) });
}
