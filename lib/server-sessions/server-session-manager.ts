import type { ServerSessionsConfig } from './server-session-options.js';
import type { ServerSessionRecord } from './server-session-record.js';
import { newSessionSecret, publicSessionId } from './session-id-cookie.js';
import { TokenSealer } from './token-sealer.js';

/** The tokens a login (or a refresh) gives. */
export interface ServerSessionTokens {
  readonly sessionToken: string;
  readonly refreshToken?: string;
  readonly idToken?: string;
}

/** What a new server-side session starts with. */
export interface NewServerSession extends ServerSessionTokens {
  readonly userId: string;
  readonly issuer: string;
  readonly providerSessionId?: string;
  readonly userAgent?: string;
}

/** The longest user agent kept: it is shown on a devices page, nothing more. */
const MAX_USER_AGENT = 256;

/**
 * Server-side sessions over their store: creation (a fresh random id every login), loading with
 * the idle timeout and absolute lifetime applied, token replacement after a refresh, listing and
 * ending. Records hold sealed tokens; callers get them opened.
 */
export class ServerSessionManager {
  private readonly sealer: TokenSealer;
  /** The stored (sealed) session token of each record handed out: a touch must not undo a refresh made meanwhile. */
  private readonly loadedToken = new WeakMap<ServerSessionRecord, string>();

  constructor(
    readonly config: ServerSessionsConfig,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.sealer = new TokenSealer(config.encryptionKey);
  }

  async start(): Promise<void> {
    await this.config.store.start?.();
  }

  async close(): Promise<void> {
    await this.config.store.close?.();
  }

  /** A new session under a new secret; `replacing` (the cookie the browser came with) ends first: no session fixation. */
  async create(input: NewServerSession, replacing?: string): Promise<{ secret: string; record: ServerSessionRecord }> {
    if (replacing !== undefined) await this.config.store.delete(publicSessionId(replacing));
    const secret = newSessionSecret();
    const now = this.now();
    const record: ServerSessionRecord = {
      id: publicSessionId(secret),
      userId: input.userId,
      issuer: input.issuer,
      sessionToken: input.sessionToken,
      ...(input.refreshToken !== undefined && { refreshToken: input.refreshToken }),
      ...(input.idToken !== undefined && { idToken: input.idToken }),
      ...(input.providerSessionId !== undefined && { providerSessionId: input.providerSessionId }),
      createdAt: now,
      lastSeenAt: now,
      expiresAt: now + this.config.absoluteLifetimeMs,
      ...(input.userAgent && { userAgent: input.userAgent.slice(0, MAX_USER_AGENT) }),
    };
    await this.save(record);
    return { secret, record };
  }

  /** The live session of a cookie value, tokens opened; `undefined` when unknown, idle too long or past its lifetime (then removed). */
  async load(secret: string): Promise<ServerSessionRecord | undefined> {
    return this.byId(publicSessionId(secret));
  }

  async byId(id: string): Promise<ServerSessionRecord | undefined> {
    const stored = await this.config.store.get(id);
    if (stored === undefined || stored.id !== id) return undefined;
    const now = this.now();
    if (stored.expiresAt <= now || stored.lastSeenAt + this.config.idleTimeoutMs <= now) {
      await this.config.store.delete(id);
      return undefined;
    }
    try {
      const opened: ServerSessionRecord = {
        ...stored,
        sessionToken: await this.sealer.open(stored.sessionToken, id),
        ...(stored.refreshToken !== undefined && { refreshToken: await this.sealer.open(stored.refreshToken, id) }),
        ...(stored.idToken !== undefined && { idToken: await this.sealer.open(stored.idToken, id) }),
      };
      this.loadedToken.set(opened, stored.sessionToken);
      return opened;
    } catch {
      // Sealed with another key (rotated) or tampered with: the session cannot be used.
      await this.config.store.delete(id);
      return undefined;
    }
  }

  /**
   * Records activity, at most once per `touchInterval`. Skipped when the stored tokens changed
   * since `record` was loaded (another instance refreshed): writing them back would restore a
   * rotated-out refresh token.
   */
  async touch(record: ServerSessionRecord): Promise<void> {
    const now = this.now();
    if (now - record.lastSeenAt < this.config.touchIntervalMs) return;
    const current = await this.config.store.get(record.id);
    if (current === undefined || current.sessionToken !== this.loadedToken.get(record)) return;
    await this.save({ ...record, lastSeenAt: now });
  }

  /** The same session with the refreshed tokens (an ID token the refresh did not return stays). */
  async replaceTokens(record: ServerSessionRecord, tokens: ServerSessionTokens): Promise<ServerSessionRecord> {
    const updated: ServerSessionRecord = {
      ...record,
      sessionToken: tokens.sessionToken,
      ...(tokens.refreshToken !== undefined && { refreshToken: tokens.refreshToken }),
      ...(tokens.idToken !== undefined && { idToken: tokens.idToken }),
      lastSeenAt: this.now(),
    };
    await this.save(updated);
    return updated;
  }

  list(userId: string): Promise<ServerSessionRecord[]> {
    return this.config.store.listByUser(userId);
  }

  /** Ends one session; gives it (tokens opened) when it was live, for the provider's logout. */
  async end(id: string): Promise<ServerSessionRecord | undefined> {
    const record = await this.byId(id);
    await this.config.store.delete(id);
    return record;
  }

  /** Ends every session of the user; gives those that were live. */
  async endAll(userId: string): Promise<ServerSessionRecord[]> {
    const ended: ServerSessionRecord[] = [];
    for (const stored of await this.config.store.listByUser(userId)) {
      const record = await this.end(stored.id);
      if (record !== undefined) ended.push(record);
    }
    return ended;
  }

  /** One instance at a time refreshes a session: `true` for the one that may. */
  lock(name: string, forMs: number): Promise<boolean> {
    return this.config.store.claimOnce(name, this.now() + forMs);
  }

  /** Stored with sealed tokens, until the earlier of its absolute end and its idle end. */
  private async save(record: ServerSessionRecord): Promise<void> {
    const sealed: ServerSessionRecord = {
      ...record,
      sessionToken: await this.sealer.seal(record.sessionToken, record.id),
      ...(record.refreshToken !== undefined && { refreshToken: await this.sealer.seal(record.refreshToken, record.id) }),
      ...(record.idToken !== undefined && { idToken: await this.sealer.seal(record.idToken, record.id) }),
    };
    await this.config.store.save(sealed, Math.min(record.expiresAt, record.lastSeenAt + this.config.idleTimeoutMs));
  }
}
