/** The gRPC service of proto/riskwire/v1/risk.proto, as health checks and reflection name it. */
export const RISK_SERVICE_NAME = 'riskwire.v1.RiskService';
