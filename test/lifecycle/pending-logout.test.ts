import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  CurrentSession,
  InMemoryRevocationStore,
  LogoutRoute,
  SessionError,
  SessionService,
  type RevocationSubject,
  type Session,
  type SessionModuleOptions,
} from '../../lib/index.js';
import { call, HTTP_ADAPTERS, startApp, type TestApp } from '../support/app.js';
import { closeAfterAll } from '../support/app-pool.js';
import { ISSUER, makeKey, signSession, type TestKey } from '../support/keys.js';
import { expectRefusal } from '../support/refusal.js';
import { waitFor } from '../support/wait-for.js';

/** An application's own store that keeps nothing locally: while `down`, every call fails. */
class FlakyStore extends InMemoryRevocationStore {
  down = false;

  override async revokeSession(sessionId: string, until: number): Promise<void> {
    this.fail();
    return super.revokeSession(sessionId, until);
  }

  override async revokeUserSessions(userId: string, cutoff: number, until: number): Promise<void> {
    this.fail();
    return super.revokeUserSessions(userId, cutoff, until);
  }

  override isRevoked(subject: RevocationSubject): boolean {
    this.fail();
    return super.isRevoked(subject);
  }

  override async deleteData(sessionId: string): Promise<void> {
    this.fail();
    return super.deleteData(sessionId);
  }

  private fail(): void {
    if (this.down) throw new SessionError('revocation_unavailable');
  }
}

@Controller()
class Routes {
  constructor(private readonly sessions: SessionService) {}

  @Get('me')
  me(@CurrentSession('userId') userId: string) {
    return { userId };
  }

  @Post('logout')
  @LogoutRoute()
  @HttpCode(204)
  async logout(@CurrentSession() session: Session): Promise<void> {
    await this.sessions.logout(session);
  }

  @Post('logout-all')
  @LogoutRoute()
  @HttpCode(204)
  async logoutAll(@CurrentSession('userId') userId: string): Promise<void> {
    await this.sessions.logoutAll(userId);
  }
}

/** A store that keeps no local record: the module itself refuses the logged-out session here and delivers the logout later. */
describe.each(HTTP_ADAPTERS)('Logout with a custom store during its outage (%s)', (adapter) => {
  let key: TestKey;
  const keep = closeAfterAll();

  async function app(store: FlakyStore, extra: Partial<SessionModuleOptions> = {}): Promise<TestApp> {
    return keep(await startApp({ issuer: ISSUER, jwks: { keys: [key.publicJwk] }, revocationStore: store, ...extra }, [Routes], [], adapter));
  }

  beforeAll(async () => {
    key = await makeKey('ES256');
  });


  it('fail closed: logout answers 204, the session is refused here at once (401, not 503), and the store has it once back', async () => {
    const store = new FlakyStore();
    const { url } = await app(store);
    const token = await signSession({ sub: 'U-flaky', sid: 'S-flaky' }, { key });
    const other = await signSession({ sub: 'U-other', sid: 'S-other' }, { key });
    store.down = true;

    expect((await call(`${url}/logout`, { method: 'POST', token })).status).toBe(204);
    expectRefusal(await call(`${url}/me`, { token }), 401, 'token_revoked');
    expectRefusal(await call(`${url}/me`, { token: other }), 503, 'revocation_unavailable');

    store.down = false;
    await waitFor(() => store.isRevoked({ userId: 'U-flaky', sessionId: 'S-flaky' }), 5000, 50);
    expect(store.isRevoked({ userId: 'U-other', sessionId: 'S-other' })).toBe(false);
  });

  it('fail open: logoutAll answers 204 and the earlier sessions are refused here at once', async () => {
    const store = new FlakyStore();
    const { url } = await app(store, { revocationFailOpen: true });
    const token = await signSession({ sub: 'U-flaky-all', sid: 'S-flaky-all' }, { key });
    store.down = true;

    expect((await call(`${url}/logout-all`, { method: 'POST', token })).status).toBe(204);
    expectRefusal(await call(`${url}/me`, { token }), 401, 'token_revoked');

    store.down = false;
    await waitFor(() => store.isRevoked({ userId: 'U-flaky-all', startedAt: Math.floor(Date.now() / 1000) - 5 }), 5000, 50);
  });
});
