import { Injectable } from '@nestjs/common';
import type { Project } from './project.js';

/** Projects per tenant, in memory: the sample is about access, not storage. */
@Injectable()
export class ProjectsService {
  private readonly byTenant = new Map<string, Project[]>([
    ['t1', [seed('p1', 'Website relaunch'), seed('p2', 'Mobile app')]],
    ['t2', [seed('p3', 'Data warehouse')]],
  ]);
  private nextId = 4;

  list(tenantId: string): readonly Project[] {
    return this.byTenant.get(tenantId) ?? [];
  }

  create(tenantId: string, name: string, createdBy: string): Project {
    const project: Project = { id: `p${this.nextId++}`, name, createdBy, createdAt: new Date().toISOString() };
    this.byTenant.set(tenantId, [...this.list(tenantId), project]);
    return project;
  }

  /** `false` when the tenant has no such project. */
  remove(tenantId: string, projectId: string): boolean {
    const projects = this.list(tenantId);
    const kept = projects.filter((project) => project.id !== projectId);
    this.byTenant.set(tenantId, kept);
    return kept.length !== projects.length;
  }

  /** Project counts per tenant, for the platform admin. */
  counts(): Record<string, number> {
    return Object.fromEntries([...this.byTenant].map(([tenantId, projects]) => [tenantId, projects.length]));
  }
}

function seed(id: string, name: string): Project {
  return { id, name, createdBy: 'U-seed', createdAt: '2026-01-01T00:00:00.000Z' };
}
