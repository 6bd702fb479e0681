import { Controller, Inject, Optional, Req, Res, type Type } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { enableRoute, sendAnswer } from '../http-endpoints/endpoint-route.js';
import { formField, mediaType, UnreadableBody, type EndpointRequest } from '../http-endpoints/request-body.js';
import { Public } from '../requirements/decorators/public.decorator.js';
import { BackchannelLogoutReceiver } from './push-receivers.js';
import { PushRejection } from './push-rejection.js';

const NO_STORE = { 'Cache-Control': 'no-store' };
const MAX_BODY_BYTES = 64 * 1024;

/**
 * A fresh controller class for one module definition: `POST <backchannelLogout.path>` when the
 * option is set, no route otherwise. Answers per Back-Channel Logout 1.0 section 2.8: 200, or 400
 * with `{ error, error_description }`; never cached. A logout that was valid but could not be
 * recorded (the store is down) is a failed logout: 400 `temporarily_unavailable`.
 */
export function backchannelLogoutController(): Type {
  @Controller()
  class BackchannelLogoutController {
    constructor(
      private readonly host: HttpAdapterHost,
      @Optional() @Inject(BackchannelLogoutReceiver) private readonly receiver?: BackchannelLogoutReceiver,
    ) {
      if (receiver) enableRoute(BackchannelLogoutController, 'receive', 'POST', receiver.config.path);
    }

    @Public()
    async receive(@Req() request: EndpointRequest, @Res() response: unknown): Promise<void> {
      try {
        if (mediaType(request) !== 'application/x-www-form-urlencoded') throw new PushRejection('invalid_request', 'The body must be application/x-www-form-urlencoded');
        await this.receiver!.receive(await formField(request, 'logout_token', MAX_BODY_BYTES));
        sendAnswer(this.host, response, 200, undefined, NO_STORE);
      } catch (error) {
        const code = error instanceof PushRejection && error.code === 'temporarily_unavailable' ? error.code : 'invalid_request';
        const description = error instanceof PushRejection || error instanceof UnreadableBody ? error.message : 'The logout token could not be processed';
        sendAnswer(this.host, response, 400, { error: code, error_description: description }, NO_STORE);
      }
    }
  }
  return BackchannelLogoutController;
}
