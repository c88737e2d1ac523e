/**
 * The simulator's own words for the three signals it fakes. It is a separate program that stands in for the
 * networks, so it does not borrow the service's vocabulary (src/domain): the two may evolve apart.
 */
export type SimulatedSignal = 'simSwap' | 'deviceSwap' | 'callForwarding';
export const SIMULATED_SIGNALS: readonly SimulatedSignal[] = ['simSwap', 'deviceSwap', 'callForwarding'];

/** The API dialects the simulator speaks; faults are set per dialect. */
export type Dialect = 'tyntec' | 'camara';
export const DIALECTS: readonly Dialect[] = ['tyntec', 'camara'];
