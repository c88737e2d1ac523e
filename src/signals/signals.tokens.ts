/** Injection tokens for the ports behind SignalsService, so the scoring path unit-tests with no network. */
export const NETWORK_SIGNALS_CLIENT = Symbol('NETWORK_SIGNALS_CLIENT');
export const SIGNAL_CACHE = Symbol('SIGNAL_CACHE');
export const SIGNALS_SETTINGS = Symbol('SIGNALS_SETTINGS');
