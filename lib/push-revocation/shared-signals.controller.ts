import { Controller, Inject, Optional, Req, Res, type OnModuleInit, type Type } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { timingSafeEqual } from 'node:crypto';
import { acceptTextBodies, enableRoute, sendAnswer } from '../http-endpoints/endpoint-route.js';
import { header, mediaType, readText, UnreadableBody, type EndpointRequest } from '../http-endpoints/request-body.js';
import { Public } from '../requirements/decorators/public.decorator.js';
import { SharedSignalsReceiver } from './push-receivers.js';
import { PushRejection } from './push-rejection.js';
import type { SharedSignalsConfig } from './shared-signals-options.js';

const SET_MEDIA_TYPE = 'application/secevent+jwt';
const NO_STORE = { 'Cache-Control': 'no-store' };
const MAX_BODY_BYTES = 64 * 1024;

function sameSecret(actual: string | undefined, expected: string): boolean {
  const a = Buffer.from(actual ?? '');
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A fresh controller class for one module definition: `POST <sharedSignals.path>` when the option
 * is set, no route otherwise. RFC 8935: 202 once the SET is verified (acted on or not), 400 with
 * `{ err, description }` when it is not; 503 when it was valid but could not be recorded (the
 * transmitter retries, section 2.3's "general HTTP error condition").
 */
export function sharedSignalsController(): Type {
  @Controller()
  class SharedSignalsController implements OnModuleInit {
    private readonly config?: SharedSignalsConfig;

    constructor(
      private readonly host: HttpAdapterHost,
      @Optional() @Inject(SharedSignalsReceiver) private readonly receiver?: SharedSignalsReceiver,
    ) {
      if (!receiver) return;
      this.config = receiver.config;
      enableRoute(SharedSignalsController, 'receive', 'POST', receiver.config.path);
    }

    onModuleInit(): void {
      if (this.config) acceptTextBodies(this.host, SET_MEDIA_TYPE, MAX_BODY_BYTES);
    }

    @Public()
    async receive(@Req() request: EndpointRequest, @Res() response: unknown): Promise<void> {
      try {
        const expected = this.config!.authorizationHeader;
        if (expected !== undefined && !sameSecret(header(request, 'authorization'), expected)) {
          throw new PushRejection('authentication_failed', 'The transmitter did not authenticate');
        }
        if (mediaType(request) !== SET_MEDIA_TYPE) throw new PushRejection('invalid_request', `The body must be ${SET_MEDIA_TYPE}`);
        await this.receiver!.receive((await readText(request, MAX_BODY_BYTES)).trim());
        sendAnswer(this.host, response, 202, undefined, NO_STORE);
      } catch (error) {
        if (error instanceof PushRejection && error.code === 'temporarily_unavailable') {
          sendAnswer(this.host, response, 503, { err: error.code, description: error.message }, { ...NO_STORE, 'Retry-After': '5' });
          return;
        }
        const err = error instanceof PushRejection ? error.code : 'invalid_request';
        const description = error instanceof PushRejection || error instanceof UnreadableBody ? error.message : 'The SET could not be processed';
        sendAnswer(this.host, response, 400, { err, description }, NO_STORE);
      }
    }
  }
  return SharedSignalsController;
}
