import { Controller, Inject, Res, type Type } from '@nestjs/common';
import { HttpAdapterHost, ModulesContainer } from '@nestjs/core';
import { enableRoute, sendAnswer } from '../http-endpoints/endpoint-route.js';
import type { SessionOptions } from '../options/session-options.js';
import { Public } from '../requirements/decorators/public.decorator.js';
import { SESSION_OPTIONS } from '../session.constants.js';
import type { ResourceMetadataConfig } from './resource-metadata-options.js';
import { routePermissionNames } from './route-scopes.js';

/** The RFC 9728 section 2 document. Scopes from the routes are read once, when every module is loaded. */
function metadataDocument(config: ResourceMetadataConfig, modules: ModulesContainer): Record<string, unknown> {
  const scopes = [...new Set([...config.scopes, ...(config.permissionsAreScopes ? routePermissionNames(modules) : [])])];
  return Object.freeze({
    resource: config.resource,
    authorization_servers: config.authorizationServers,
    ...(scopes.length && { scopes_supported: scopes }),
    bearer_methods_supported: config.bearerMethods,
    ...(config.resourceSigningAlgorithms && { resource_signing_alg_values_supported: config.resourceSigningAlgorithms }),
    ...(config.resourceName !== undefined && { resource_name: config.resourceName }),
    ...(config.resourceDocumentation !== undefined && { resource_documentation: config.resourceDocumentation }),
  });
}

/** A fresh controller class for one module definition: `GET /.well-known/oauth-protected-resource[/path]` when `resourceMetadata` is set. */
export function resourceMetadataController(): Type {
  @Controller()
  class ResourceMetadataController {
    private document?: Record<string, unknown>;

    constructor(
      @Inject(SESSION_OPTIONS) private readonly options: SessionOptions,
      private readonly modules: ModulesContainer,
      private readonly host: HttpAdapterHost,
    ) {
      if (options.resourceMetadata) enableRoute(ResourceMetadataController, 'serve', 'GET', options.resourceMetadata.path);
    }

    @Public()
    serve(@Res() response: unknown): void {
      this.document ??= metadataDocument(this.options.resourceMetadata!, this.modules);
      sendAnswer(this.host, response, 200, this.document, { 'Cache-Control': 'public, max-age=3600' });
    }
  }
  return ResourceMetadataController;
}
