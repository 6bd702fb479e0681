import { Controller, Get, Inject, Optional, Post, Redirect, Req, Res, type Type } from '@nestjs/common';
import { appendSetCookie } from '../cookies/response-cookies.js';
import { SessionConfigError } from '../errors/session-config.error.js';
import { SessionError } from '../errors/session-error.js';
import { toHttpAnswer } from '../errors/http-answer.js';
import type { SessionOptions } from '../options/session-options.js';
import { Public } from '../requirements/decorators/public.decorator.js';
import { SERVER_SESSION_MANAGER } from '../server-sessions/server-session.providers.js';
import type { ServerSessionManager } from '../server-sessions/server-session-manager.js';
import { SessionService } from '../service/session.service.js';
import { SESSION_OPTIONS } from '../session.constants.js';
import { LoginError } from './login-error.js';
import { LoginFlow, type LoginRequest, type LoginStep } from './login-flow.js';

/** What Express and Fastify requests both offer. */
interface HttpRequestLike {
  headers: Record<string, string | string[] | undefined>;
  method?: string;
  url?: string;
  originalUrl?: string;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function loginRequest(raw: HttpRequestLike): LoginRequest {
  return {
    cookieHeader: single(raw.headers.cookie),
    ...(raw.method !== undefined && { method: raw.method }),
    header: (name) => single(raw.headers[name]),
  };
}

function queryOf(raw: HttpRequestLike): string {
  const url = raw.originalUrl ?? raw.url ?? '';
  const at = url.indexOf('?');
  return at === -1 ? '' : url.slice(at);
}

/** A refusal as the HTTP answer the guard would give (`reason` in the body), never a 500. */
function refusal(error: unknown): unknown {
  if (error instanceof LoginError) return error.toHttpException();
  if (error instanceof SessionError) return toHttpAnswer(error).exception;
  return error;
}

/**
 * The login routes: `GET <path>/login?returnTo=`, `GET <path>/callback`, `POST <path>/logout`.
 * Public (the guard does not run); logout checks CSRF itself, as for any cookie session.
 */
class LoginRoutes {
  /** The prefix the routes are registered under (set on each controller class made by `loginController`). */
  static routesPath = 'auth';
  private readonly flow: LoginFlow;

  constructor(
    @Inject(SESSION_OPTIONS) options: SessionOptions,
    sessions: SessionService,
    @Optional() @Inject(SERVER_SESSION_MANAGER) manager?: ServerSessionManager,
  ) {
    if (options.login === undefined) throw new SessionConfigError('loginRoutes', 'registers the login routes, but the `login` option is not set');
    // A callback URL that is not this route would send every login to a 404: refused at start-up.
    const callback = `/${(new.target as typeof LoginRoutes).routesPath}/callback`;
    if (!options.login.redirectUri.pathname.endsWith(callback)) {
      throw new SessionConfigError('login.redirectUri', `must be the callback route, ending with ${callback} (login.path, or loginRoutes with forRootAsync), got ${options.login.redirectUri.pathname}`);
    }
    this.flow = new LoginFlow(options.login, options, sessions, manager ?? undefined);
  }

  @Public()
  @Get('login')
  @Redirect()
  login(@Req() request: HttpRequestLike, @Res({ passthrough: true }) response: unknown) {
    const returnTo = new URLSearchParams(queryOf(request)).get('returnTo') ?? undefined;
    return this.answer(response, this.flow.begin(returnTo), 302);
  }

  @Public()
  @Get('callback')
  @Redirect()
  callback(@Req() request: HttpRequestLike, @Res({ passthrough: true }) response: unknown) {
    return this.answer(response, this.flow.callback(loginRequest(request), queryOf(request), single(request.headers['user-agent'])), 303);
  }

  @Public()
  @Post('logout')
  @Redirect()
  logout(@Req() request: HttpRequestLike, @Res({ passthrough: true }) response: unknown) {
    return this.answer(response, this.flow.logout(loginRequest(request)), 303);
  }

  private async answer(response: unknown, step: Promise<LoginStep>, statusCode: number): Promise<{ url: string; statusCode: number }> {
    let done: LoginStep;
    try {
      done = await step;
    } catch (error) {
      throw refusal(error);
    }
    appendSetCookie(response, done.cookies);
    return { url: done.redirect, statusCode };
  }
}

/** The login routes under `path` (`auth` by default). */
export function loginController(path: string): Type {
  class LoginController extends LoginRoutes {
    static override routesPath = path.replace(/^\/+|\/+$/g, '');
  }
  Controller(path)(LoginController);
  return LoginController;
}
