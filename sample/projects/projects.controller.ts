import { BadRequestException, Body, Controller, Delete, Get, HttpCode, NotFoundException, Param, Post } from '@nestjs/common';
import { AnyRole, CurrentSession, Permissions, Roles, SessionService, Tenant, type Session, type TenantContext } from '../../lib/index.js';
import { ProjectsService } from './projects.service.js';

/** The roles this app knows inside a tenant; a token may carry others, which it ignores. */
const TENANT_ROLES = ['admin', 'member', 'viewer'];

/**
 * Projects inside a tenant. The `:tenantId` route parameter names the tenant: a session that is
 * not a member of it is refused (403 `tenant_not_member`), and the role and permission checks
 * below read that tenant's grants, not the top-level ones.
 */
@Controller('tenants/:tenantId/projects')
@AnyRole(...TENANT_ROLES) // every route here: at least one of the app's roles in this tenant
export class ProjectsController {
  constructor(
    private readonly projects: ProjectsService,
    private readonly sessions: SessionService,
  ) {}

  @Get()
  list(@Tenant() tenant: TenantContext, @CurrentSession() session: Session) {
    return {
      tenant: tenant.id,
      // SessionService answers the same questions as the guard, for what a client may show.
      yourRoles: this.sessions.getMatchedTenantRoles(session, tenant.id, TENANT_ROLES),
      canCreate: this.sessions.validateTenantPermissions(session, tenant.id, ['projects:create']),
      canDelete: this.sessions.validateTenantRoles(session, tenant.id, ['admin']),
      projects: this.projects.list(tenant.id),
    };
  }

  @Post()
  @Permissions('projects:create') // and, from the class, one of the tenant roles
  create(@Tenant('id') tenantId: string, @CurrentSession('userId') userId: string, @Body() body: unknown) {
    const name = (body as { name?: unknown } | undefined)?.name;
    if (typeof name !== 'string' || name.trim().length === 0 || name.length > 100) {
      throw new BadRequestException('"name" must be a non-empty string of up to 100 characters');
    }
    return this.projects.create(tenantId, name.trim(), userId);
  }

  @Delete(':projectId')
  @Roles('admin')
  @HttpCode(204)
  remove(@Tenant('id') tenantId: string, @Param('projectId') projectId: string): void {
    if (!this.projects.remove(tenantId, projectId)) throw new NotFoundException(`No project "${projectId}" in tenant "${tenantId}"`);
  }
}
