import { Controller, Get } from '@nestjs/common';
import { CurrentSession, Roles } from '../../lib/index.js';
import { ProjectsService } from '../projects/projects.service.js';

/**
 * Platform administration: `admin` among the token's top-level `roles`.
 * Note: `@Roles` reads the grants of the tenant the request resolves when there is one (from the
 * `x-tenant-id` header or the `dct` claim too), so call these routes with a session that has no
 * current tenant. See the README, "Tenant resolution".
 */
@Controller('admin')
@Roles('admin')
export class AdminController {
  constructor(private readonly projects: ProjectsService) {}

  @Get('tenants')
  tenants(@CurrentSession('userId') userId: string) {
    return { requestedBy: userId, projectsPerTenant: this.projects.counts() };
  }
}
