import { SessionConfigError, SessionError } from '../../lib/index.js';

/** The `SessionError` a promise rejects with; anything else (or no rejection) fails the test. */
export async function sessionErrorOf(promise: Promise<unknown>): Promise<SessionError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SessionError) return error;
    throw error;
  }
  throw new Error('expected a SessionError');
}

/** The `SessionConfigError` a start-up step throws; anything else (or no error) fails the test. */
export function configErrorOf(work: () => unknown): SessionConfigError {
  try {
    work();
  } catch (error) {
    if (error instanceof SessionConfigError) return error;
    throw error;
  }
  throw new Error('expected a SessionConfigError');
}

/** The reason a promise is refused with, or `'accepted'` when it resolves; anything but a `SessionError` fails the test. */
export async function reasonOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    if (error instanceof SessionError) return error.reason;
    throw error;
  }
}
