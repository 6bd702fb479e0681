import { Logger } from '@nestjs/common';
import type { Session } from '../claims/session.interface.js';
import { SessionError } from '../errors/session-error.js';
import type { RevocationConfig } from './revocation-options.js';
import { revocationSubject } from './revocation-subject.js';

/**
 * The revocation step of every validation (cache hit or not): `token_revoked` for a revoked
 * session. When the store cannot answer, fails closed (`revocation_unavailable`) or, when
 * configured, open; the outage is logged once when it starts and once when checks resume.
 */
export class RevocationCheck {
  private readonly logger = new Logger('SessionRevocation');
  private degraded = false;

  constructor(private readonly config: RevocationConfig) {}

  check(session: Session): void | Promise<void> {
    let answer: boolean | Promise<boolean>;
    try {
      answer = this.config.store.isRevoked(revocationSubject(session));
    } catch (error) {
      return this.unavailable(error);
    }
    if (typeof answer === 'boolean') return this.decide(answer);
    return answer.then(
      (revoked) => this.decide(revoked),
      (error: unknown) => this.unavailable(error),
    );
  }

  private decide(revoked: boolean): void {
    if (revoked) throw new SessionError('token_revoked');
    if (this.degraded) {
      this.degraded = false;
      this.logger.log('Revocation checks resumed');
    }
  }

  private unavailable(error: unknown): void {
    const refusal =
      error instanceof SessionError && error.reason === 'revocation_unavailable' ? error : new SessionError('revocation_unavailable', { cause: error });
    if (!this.degraded) {
      this.degraded = true;
      this.logger.warn(
        this.config.failOpen
          ? 'The revocation store is unavailable: accepting sessions without a revocation check until it recovers (revocationFailOpen)'
          : 'The revocation store is unavailable: refusing sessions with 503 revocation_unavailable until it recovers (fail closed)',
      );
    }
    if (!this.config.failOpen) throw refusal;
  }
}
