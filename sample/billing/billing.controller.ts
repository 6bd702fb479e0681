import { Controller, Get } from '@nestjs/common';
import { AnyPermission, RequireClaims, Tenant, mfa, type TenantContext } from '../../lib/index.js';

/** A tenant's billing: sensitive, so it also asks for a second factor in this session. */
@Controller('tenants/:tenantId/billing')
export class BillingController {
  @Get()
  @AnyPermission('billing:read', 'billing:manage')
  @RequireClaims(mfa()) // `amr` must include "mfa": 401 `insufficient_user_authentication` otherwise (a step-up)
  billing(@Tenant() tenant: TenantContext) {
    return { tenant: tenant.id, plan: 'team', seats: 10, canManage: tenant.permissions.includes('billing:manage') };
  }
}
