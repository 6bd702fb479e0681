import { Module } from '@nestjs/common';
import { DevIssuerController } from './dev-issuer.controller.js';
import { DevIssuer } from './dev-issuer.js';

/** The embedded dev issuer: imported only in dev-issuer mode. */
@Module({
  providers: [{ provide: DevIssuer, useFactory: () => DevIssuer.create() }],
  controllers: [DevIssuerController],
  exports: [DevIssuer],
})
export class DevIssuerModule {}
