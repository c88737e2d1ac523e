/** Injection tokens for the ports behind SignalsService, so the scoring path unit-tests with no network. */
/** The SignalRouter: every provider of the configuration and the routes between them. */
export const SIGNAL_ROUTER = Symbol('SIGNAL_ROUTER');
export const SIGNAL_CACHE = Symbol('SIGNAL_CACHE');
export const SIGNALS_SETTINGS = Symbol('SIGNALS_SETTINGS');
