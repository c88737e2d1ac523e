/**
 * The upstream's `maxAge` of the swap check endpoints, in minutes: 1 to 2400, 240 when left out. The one home
 * of the limit: the policy's window checks, the signals client and the simulator all keep to it.
 */
export const MAX_AGE_RANGE = { min: 1, max: 2400, default: 240 } as const;
