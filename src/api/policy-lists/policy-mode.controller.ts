import { Controller, Get, Put, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { POLICY_MODES, type PolicyMode } from '../../domain/list-match.js';
import { PolicyModeService } from '../../enforcement/policy-mode.service.js';
import type { PolicyModeRecord } from '../../enforcement/policy-mode.js';
import { ApiKeyGuard, RequireScope, principalOf } from '../auth/api-key.guard.js';
import { ApiError } from '../errors/api-error.js';
import { ErrorSchema } from '../http/assessments.dto.js';
import type { HttpRequest as Request } from '../http/http-types.js';

class PolicyModeSchema {
  @ApiProperty({ enum: POLICY_MODES, description: 'monitor: every decision is ALLOW, the policy outcome in proposedOutcome' })
  mode!: string;
  @ApiProperty({ format: 'date-time' }) changedAt!: string;
  @ApiProperty({ example: 'ops', description: 'API key id ("default" before anyone set it)' }) changedBy!: string;
  @ApiProperty({ description: 'true: kept in Redis, every replica follows it within a second; false: this replica only' })
  shared!: boolean;
}

class SetPolicyModeSchema {
  @ApiProperty({ enum: POLICY_MODES }) mode!: string;
}

/** enforce | monitor (scope admin): a new policy can be rolled out in monitor mode, watched, then enforced. */
@ApiTags('policy')
@ApiBearerAuth()
@Controller('v1/policy/mode')
@UseGuards(ApiKeyGuard)
export class PolicyModeController {
  constructor(private readonly mode: PolicyModeService) {}

  @Get()
  @RequireScope('admin')
  @ApiOperation({ summary: 'The policy mode in force' })
  @ApiResponse({ status: 200, type: PolicyModeSchema })
  get(): PolicyModeRecord & { shared: boolean } {
    return this.mode.current;
  }

  @Put()
  @RequireScope('admin')
  @ApiOperation({ summary: 'Set the policy mode (logged with the API key id, shown by riskwire_policy_mode)' })
  @ApiBody({ type: SetPolicyModeSchema })
  @ApiResponse({ status: 200, type: PolicyModeSchema })
  @ApiResponse({ status: 400, type: ErrorSchema })
  async set(@Req() req: Request): Promise<PolicyModeRecord & { shared: boolean }> {
    const body = req.body as { mode?: unknown } | undefined;
    const mode = body && typeof body === 'object' ? body.mode : undefined;
    if (mode === undefined) throw ApiError.validation([{ field: 'mode', code: 'PARAMETER_REQUIRED', message: 'mode is required' }]);
    if (!POLICY_MODES.includes(mode as PolicyMode)) {
      throw ApiError.validation([{ field: 'mode', code: 'UNKNOWN_ENUM_VALUE', message: `mode must be one of ${POLICY_MODES.join(', ')}` }]);
    }
    return this.mode.set(mode as PolicyMode, principalOf(req).keyId);
  }
}
