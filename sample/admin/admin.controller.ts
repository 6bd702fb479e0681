import { Controller, Get } from '@nestjs/common';
import { CurrentSession, Roles } from '../../lib/index.js';
import { ProjectsService } from '../projects/projects.service.js';

/**
 * Platform administration: `admin` among the token's top-level `roles`. The route is not
 * tenant-scoped (no `:tenantId`, no `@RequireTenant()`), so `@Roles` reads the top-level roles:
 * a tenant's own `admin` never passes, whatever tenant the token or the request names.
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
