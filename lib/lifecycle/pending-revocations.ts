import { Logger } from '@nestjs/common';
import { SessionError } from '../errors/session-error.js';
import { RevocationLedger } from '../revocation/revocation-ledger.js';
import type { RevocationStore, RevocationSubject } from '../revocation/revocation-store.interface.js';
import type { SessionDataStore } from '../revocation/session-data-store.interface.js';

/** One write the store refused. */
type Delivery = () => Promise<void>;

/** Between two delivery attempts while the store is away. */
const RETRY_MS = 1000;
/** Most writes waiting; past it the oldest are dropped, with a warning (a long outage with many logouts). */
const MAX_WAITING = 100_000;

/**
 * Logouts the revocation store could not take (an outage): refused on this instance at once and
 * delivered to the store when it answers again, retried every second. A logout therefore always
 * succeeds; the other instances learn of it once it is delivered.
 */
export class PendingRevocations {
  private readonly logger = new Logger('SessionLogout');
  /** Every revocation made here during an outage, enforced until it expires (delivered or not). */
  private readonly ledger = new RevocationLedger();
  private readonly waiting: Delivery[] = [];
  private timer?: NodeJS.Timeout;
  private delivering = false;
  private closed = false;

  constructor(private readonly store: RevocationStore & SessionDataStore) {}

  /** Revokes the session in the store; when the store fails, here at once and there later. */
  revokeSession(sessionId: string, until: number): Promise<void> {
    return this.write(() => this.store.revokeSession(sessionId, until), () => this.ledger.addSession(sessionId, until));
  }

  revokeUserSessions(userId: string, cutoff: number, until: number): Promise<void> {
    return this.write(() => this.store.revokeUserSessions(userId, cutoff, until), () => this.ledger.addUser(userId, cutoff, until));
  }

  /** Session data of an ended session: deleted now or once the store is back. */
  deleteData(sessionId: string): Promise<void> {
    return this.write(() => this.store.deleteData(sessionId), () => undefined);
  }

  /** `token_revoked` for a session logged out here while the store was away. */
  refuseLoggedOut(subject: RevocationSubject): void {
    if (this.ledger.size > 0 && this.ledger.isRevoked(subject)) throw new SessionError('token_revoked');
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private async write(delivery: Delivery, enforceHere: () => void): Promise<void> {
    try {
      await delivery();
    } catch (error) {
      enforceHere();
      this.waiting.push(delivery);
      if (this.waiting.length > MAX_WAITING) {
        this.waiting.splice(0, this.waiting.length - MAX_WAITING);
        this.logger.warn(`More than ${MAX_WAITING} logouts wait for the revocation store: the oldest are dropped (still refused on this instance)`);
      }
      if (this.waiting.length === 1) {
        const cause = error instanceof Error ? error.message : String(error);
        this.logger.warn(`The revocation store did not take a logout (${cause}): refused on this instance now, delivered when the store answers`);
      }
      this.schedule();
    }
  }

  private schedule(): void {
    if (this.timer !== undefined || this.closed) return;
    this.timer = setTimeout(() => void this.deliver(), RETRY_MS);
    this.timer.unref();
  }

  /** Delivers in order; stops at the first failure (the store is still away) and tries again later. */
  private async deliver(): Promise<void> {
    this.timer = undefined;
    if (this.delivering) return;
    this.delivering = true;
    try {
      while (this.waiting.length > 0 && !this.closed) {
        try {
          await this.waiting[0]!();
        } catch {
          return;
        }
        this.waiting.shift();
        if (this.waiting.length === 0) this.logger.log('Logouts made during the revocation store outage are delivered');
      }
    } finally {
      this.delivering = false;
      if (this.waiting.length > 0) this.schedule();
    }
  }
}
