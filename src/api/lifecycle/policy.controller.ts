import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { ActivePolicies, type LoadedPolicy } from '../../policy/active-policies.js';
import { ApiKeyGuard, RequireScope } from '../auth/api-key.guard.js';

export interface ActivePolicyView {
  version: string;
  description?: string;
  /** `sha256:` + hex of the file's bytes: two deployments of the same version with other content differ here */
  contentHash: string;
  file: string;
  loadedAt: string;
}

export interface PolicyStatus {
  live: ActivePolicyView;
  shadow: ActivePolicyView | null;
  reload: { mode: AppConfig['policyLifecycle']['reload']; pollMs: number };
}

const view = (loaded: LoadedPolicy): ActivePolicyView => ({
  version: loaded.policy.version,
  ...(loaded.policy.description ? { description: loaded.policy.description } : {}),
  contentHash: `sha256:${loaded.contentHash}`,
  file: loaded.file,
  loadedAt: loaded.loadedAt,
});

@ApiTags('policy')
@ApiBearerAuth()
@Controller('v1/policy')
@UseGuards(ApiKeyGuard)
export class PolicyController {
  constructor(
    private readonly policies: ActivePolicies,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @RequireScope('admin')
  @ApiOperation({ summary: 'The live and shadow policies in force (version, content hash, file, when loaded) and how they are reloaded' })
  @ApiResponse({
    status: 200,
    description: 'The active policies',
    example: {
      live: {
        version: '2026-11-21.1',
        contentHash: 'sha256:9f2c…',
        file: '/etc/riskwire/policy.json',
        loadedAt: '2026-12-01T01:00:00.000Z',
      },
      shadow: null,
      reload: { mode: 'watch', pollMs: 5000 },
    },
  })
  get(): PolicyStatus {
    const { live, shadow } = this.policies.current();
    const { reload, reloadPollMs } = this.config.policyLifecycle;
    return { live: view(live), shadow: shadow ? view(shadow) : null, reload: { mode: reload, pollMs: reloadPollMs } };
  }
}
