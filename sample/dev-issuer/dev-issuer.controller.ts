import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { Public } from '../../lib/index.js';
import { DevIssuer } from './dev-issuer.js';
import { parseDevTokenRequest } from './dev-token-request.js';

/**
 * DEV ONLY. Mints a token for any user, role and tenant: registered only when no real issuer is
 * configured (with `ISSUER` set these routes do not exist: 404).
 */
@Public()
@Controller()
export class DevIssuerController {
  constructor(private readonly issuer: DevIssuer) {}

  @Get('.well-known/jwks.json')
  jwks() {
    return this.issuer.jwks;
  }

  @Post('dev/token')
  @HttpCode(200)
  async token(@Body() body: unknown) {
    return { token: await this.issuer.issue(parseDevTokenRequest(body)) };
  }
}
