import type { RiskwireMetrics } from '../../../metrics/riskwire-metrics.js';
import type { CamaraProviderMetrics } from './camara-provider.js';

/** The CAMARA provider's counters on the service's registry. */
export function camaraMetricsFrom(metrics: RiskwireMetrics): CamaraProviderMetrics {
  return {
    problem: (provider, operation, problem) => metrics.signalProviderProblems.inc({ provider, operation, problem }),
    tokenRequest: (provider, outcome) => metrics.signalProviderTokenRequests.inc({ provider, outcome }),
  };
}
