import type { RiskEvent } from '../domain/risk-event.js';
import type { SignalRequest } from '../domain/signal-result.js';
import type { RiskPolicy, SwapCheck } from './risk-policy.js';

/** Which network checks this event type needs under the policy, and whether a swap's date or only a window answer is wanted. */
export function signalsNeeded(event: RiskEvent, policy: RiskPolicy): SignalRequest {
  const checks = policy.checks[event.type];
  const request: SignalRequest = {};
  if (checks.simSwap) request.simSwap = toSwapRequest(checks.simSwap);
  if (checks.deviceSwap) request.deviceSwap = toSwapRequest(checks.deviceSwap);
  if (checks.callForwarding) request.callForwarding = true;
  return request;
}

function toSwapRequest(check: SwapCheck): NonNullable<SignalRequest['simSwap']> {
  // parsePolicy guarantees maxAgeMinutes for window mode.
  return check.mode === 'window' ? { mode: 'window', maxAgeMinutes: check.maxAgeMinutes as number } : { mode: 'date' };
}
