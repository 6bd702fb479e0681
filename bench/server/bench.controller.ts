import { Controller, Get, Param } from '@nestjs/common';
import { Roles } from '../../lib/index.js';
import { TenantRoles } from './tenant-roles.guard.js';

/**
 * The same small app for every variant. The route with a tenant role check carries the
 * requirement for both guards; the app without a guard ignores both decorators.
 */
@Controller()
export class BenchController {
  @Get('hello')
  hello() {
    return { hello: 'world' };
  }

  @Roles('admin')
  @TenantRoles(['admin'])
  @Get('tenants/:tenantId/report')
  report(@Param('tenantId') tenantId: string) {
    return { tenantId, report: 'ok' };
  }
}
