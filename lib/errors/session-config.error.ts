/** Thrown at start-up for options that cannot work; the message names the option. */
export class SessionConfigError extends Error {
  override readonly name = 'SessionConfigError';

  constructor(
    readonly option: string,
    problem: string,
  ) {
    super(`nestjs-jwt-session: option "${option}" ${problem}`);
  }
}
