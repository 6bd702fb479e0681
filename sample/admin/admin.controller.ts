import { Controller, Get } from '@nestjs/common';
import { CurrentSession, TopLevelRoles } from '../../lib/index.js';
import { ProjectsService } from '../projects/projects.service.js';

/**
 * Platform administration: `admin` among the token's top-level `roles`. `@TopLevelRoles`, not
 * `@Roles`: under `@Roles` a tenant's own `admin` would pass once the request names that tenant.
 */
@Controller('admin')
@TopLevelRoles('admin')
export class AdminController {
  constructor(private readonly projects: ProjectsService) {}

  @Get('tenants')
  tenants(@CurrentSession('userId') userId: string) {
    return { requestedBy: userId, projectsPerTenant: this.projects.counts() };
  }
}
