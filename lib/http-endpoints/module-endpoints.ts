import type { Type } from '@nestjs/common';
import { backchannelLogoutController } from '../push-revocation/backchannel-logout.controller.js';
import { sharedSignalsController } from '../push-revocation/shared-signals.controller.js';
import { resourceMetadataController } from '../resource-metadata/resource-metadata.controller.js';

/**
 * The module's own HTTP endpoints, fresh classes per module definition. Each gets its route only
 * when its option is set (the options may come from `forRootAsync`'s factory): back-channel logout,
 * Security Event Token push delivery, protected resource metadata.
 */
export function moduleEndpointControllers(): Type[] {
  return [backchannelLogoutController(), sharedSignalsController(), resourceMetadataController()];
}
