/** Injection token of the loaded, validated, frozen RiskPolicy. */
export const RISK_POLICY = Symbol('RISK_POLICY');
