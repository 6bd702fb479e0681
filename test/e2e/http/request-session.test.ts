import { Controller, Get, Injectable, UseInterceptors, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { map } from 'rxjs';
import { getSession, getTenant, Public, Roles, SessionError, SessionGuard, type RoutePolicy, type Session, type TenantContext } from '../../../lib/index.js';
import { call, type TestApp } from '../../support/app.js';
import { ISSUER, makeKey, signSession, type TestKey } from '../../support/keys.js';
import { HTTP_ADAPTERS, onAdapter } from './on-adapter.js';

/** What an interceptor (which runs after the guard) reads from the framework's request. */
@Injectable()
class SessionEcho implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler) {
    const request = context.switchToHttp().getRequest<object>();
    const session = getSession(request);
    const tenant = getTenant(request);
    return next.handle().pipe(map(() => ({ userId: session?.userId ?? null, tenant: tenant?.id ?? null })));
  }
}

@Controller()
@UseInterceptors(SessionEcho)
class EchoController {
  @Get('me') me() { return {}; }
  @Get('tenants/:tenantId/me') tenantMe() { return {}; }
  @Public() @Get('open') open() { return {}; }
  @Roles('admin') @Get('admin') admin() { return {}; }
}

/** A guard subclass given as `guard`: the module uses it (here: a session must have a sid). */
@Injectable()
class SidRequiredGuard extends SessionGuard {
  protected override checkRequirements(policy: RoutePolicy, session: Session, tenant: TenantContext | undefined): void {
    if (session.sessionId === undefined) throw new SessionError('claim_invalid', { message: 'A session id (sid) is required' });
    super.checkRequirements(policy, session, tenant);
  }
}

describe.each(HTTP_ADAPTERS)('getSession / getTenant and the guard option over HTTP (%s)', (adapter) => {
  const { startApp } = onAdapter(adapter);
  let key: TestKey;
  let app: TestApp;
  const tokenFor = (claims = {}) => signSession(claims, { key });

  beforeAll(async () => {
    key = await makeKey('ES256');
    app = await startApp({ issuer: ISSUER, jwks: { keys: [key.publicJwk] } }, [EchoController]);
  });
  afterAll(() => app.close());

  it('getSession and getTenant give what the guard accepted for this request', async () => {
    const token = await tokenFor({ sub: 'U-echo', tenants: { t1: { roles: [] } } });
    expect((await call(`${app.url}/me`, { token })).body).toEqual({ userId: 'U-echo', tenant: null });
    expect((await call(`${app.url}/tenants/t1/me`, { token })).body).toEqual({ userId: 'U-echo', tenant: 't1' });
  });

  it('give undefined where the guard did not accept a session (public route)', async () => {
    expect((await call(`${app.url}/open`, { token: await tokenFor({ sub: 'U-open' }) })).body).toEqual({ userId: null, tenant: null });
  });

  it('a guard subclass passed as `guard` replaces the module guard', async () => {
    const custom = await startApp({ issuer: ISSUER, jwks: { keys: [key.publicJwk] }, guard: SidRequiredGuard }, [EchoController]);
    try {
      expect((await call(`${custom.url}/me`, { token: await tokenFor({ sid: 'S1' }) })).status).toBe(200);
      const refused = await call(`${custom.url}/me`, { token: await tokenFor({}) });
      expect(refused.status).toBe(401);
      expect(refused.body).toMatchObject({ reason: 'claim_invalid', message: 'A session id (sid) is required' });
    } finally {
      await custom.close();
    }
  });
});
