import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiPrincipal } from './api-authenticator.js';
import { ApiGate, clientAddressOf } from './api-gate.js';
import type { ApiScope } from '../../credentials/api-keys.js';

const SCOPE_KEY = 'riskwire:api-scope';
const PRINCIPAL = Symbol('riskwire.principal');

/** The scope a handler needs: `assess` for POST, `read` for GET. */
export const RequireScope = (scope: ApiScope) => SetMetadata(SCOPE_KEY, scope);

export function principalOf(req: IncomingMessage): ApiPrincipal {
  const principal = (req as IncomingMessage & { [PRINCIPAL]?: ApiPrincipal })[PRINCIPAL];
  if (!principal) throw new Error('principalOf called on a route without ApiKeyGuard');
  return principal;
}

@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly gate: ApiGate,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const scope = this.reflector.getAllAndOverride<ApiScope | undefined>(SCOPE_KEY, [context.getHandler(), context.getClass()]);
    if (!scope) throw new Error(`${context.getClass().name}.${context.getHandler().name} has no @RequireScope`);
    const req = context.switchToHttp().getRequest<IncomingMessage & { [PRINCIPAL]?: ApiPrincipal }>();
    const { principal, headers } = await this.gate.admit(req.headers.authorization, scope, clientAddressOf(req.socket.remoteAddress));
    req[PRINCIPAL] = principal;
    const res = context.switchToHttp().getResponse<ServerResponse>();
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    return true;
  }
}
