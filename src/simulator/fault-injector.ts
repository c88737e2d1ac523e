import { SIMULATED_SIGNALS, type SimulatedSignal } from './simulated-signal.js';

export interface LatencyRange {
  min: number;
  max: number;
}

/** Faults for one signal, or for all of them when given at the top level. */
export interface FaultSettings {
  latencyMs?: LatencyRange;
  /** Share of requests (0..1) answered with errorStatus. */
  errorRate?: number;
  /** Defaults to 500. */
  errorStatus?: number;
  /** The error body's code, e.g. QUOTA_EXCEEDED instead of the status's TOO_MANY_REQUESTS. Defaults to the status's. */
  errorCode?: string;
  /** Share of requests (0..1) never answered within any sane client timeout. */
  timeoutRate?: number;
}

/** Global settings, overridden field by field by the per-signal ones. */
export interface FaultConfig extends FaultSettings {
  simSwap?: FaultSettings;
  deviceSwap?: FaultSettings;
  callForwarding?: FaultSettings;
}

export type FaultAction = { kind: 'pass' } | { kind: 'timeout' } | { kind: 'error'; status: number; code?: string };

interface EffectiveFaults {
  minLatency: number;
  latencySpread: number;
  errorRate: number;
  timeoutRate: number;
  error: FaultAction;
}

export const MAX_LATENCY_MS = 120_000;
const SETTING_FIELDS = new Set(['latencyMs', 'errorRate', 'errorStatus', 'errorCode', 'timeoutRate']);
const PASS: FaultAction = Object.freeze({ kind: 'pass' });
const TIMEOUT: FaultAction = Object.freeze({ kind: 'timeout' });

export type FaultValidation = { ok: true; config: FaultConfig } | { ok: false; message: string };

/** Validates an admin fault body. A bare number is accepted for latencyMs as a fixed delay. */
export function validateFaultConfig(input: unknown): FaultValidation {
  if (!isPlainObject(input)) return { ok: false, message: 'faults must be a JSON object' };
  const config: FaultConfig = {};
  for (const [key, value] of Object.entries(input)) {
    if ((SIMULATED_SIGNALS as readonly string[]).includes(key)) {
      if (!isPlainObject(value)) return { ok: false, message: `${key} must be a JSON object` };
      for (const [innerKey, innerValue] of Object.entries(value)) {
        const error = applySetting((config[key as SimulatedSignal] ??= {}), innerKey, innerValue, `${key}.`);
        if (error) return { ok: false, message: error };
      }
      continue;
    }
    const error = applySetting(config, key, value, '');
    if (error) return { ok: false, message: error };
  }
  return { ok: true, config };
}

function applySetting(target: FaultSettings, key: string, value: unknown, prefix: string): string | undefined {
  if (!SETTING_FIELDS.has(key)) return `unknown field "${prefix}${key}"`;
  const name = prefix + key;
  switch (key) {
    case 'latencyMs': {
      const range = typeof value === 'number' ? { min: value, max: value } : value;
      if (!isPlainObject(range) || !isMs(range.min) || !isMs(range.max) || range.min > range.max) {
        return `${name} must be a number or {min, max} with 0 <= min <= max <= ${MAX_LATENCY_MS}`;
      }
      target.latencyMs = { min: range.min, max: range.max };
      return undefined;
    }
    case 'errorRate':
    case 'timeoutRate':
      if (typeof value !== 'number' || !(value >= 0 && value <= 1)) return `${name} must be a number in 0..1`;
      target[key] = value;
      return undefined;
    case 'errorCode':
      if (typeof value !== 'string' || !/^[A-Z][A-Z0-9_]{0,63}$/.test(value)) return `${name} must be an UPPER_SNAKE error code`;
      target.errorCode = value;
      return undefined;
    case 'errorStatus':
      if (!Number.isInteger(value) || (value as number) < 400 || (value as number) > 599) {
        return `${name} must be an HTTP error status in 400..599`;
      }
      target.errorStatus = value as number;
      return undefined;
    default:
      return `unknown field "${name}"`;
  }
}

function isMs(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_LATENCY_MS;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Decides per request how the simulated network misbehaves. The effective per-signal settings are resolved when the
 * configuration changes, so the request path does two random draws at most and allocates nothing.
 */
export class FaultInjector {
  private current: FaultConfig = {};
  private effective = new Map<SimulatedSignal, EffectiveFaults>();

  constructor(
    private readonly initial: FaultConfig = {},
    private readonly random: () => number = Math.random,
  ) {
    this.configure(initial);
  }

  /** Replaces the whole configuration (PUT semantics); throws on invalid input. */
  configure(config: FaultConfig): void {
    const checked = validateFaultConfig(config);
    if (!checked.ok) throw new Error(checked.message);
    this.current = structuredClone(checked.config);
    for (const signal of SIMULATED_SIGNALS) this.effective.set(signal, resolve(this.current, signal));
  }

  /** Back to the configuration the simulator started with. */
  reset(): void {
    this.configure(this.initial);
  }

  get config(): FaultConfig {
    return structuredClone(this.current);
  }

  delayMs(signal: SimulatedSignal): number {
    const faults = this.effective.get(signal)!;
    if (faults.latencySpread === 0) return faults.minLatency;
    return faults.minLatency + Math.round(this.random() * faults.latencySpread);
  }

  decide(signal: SimulatedSignal): FaultAction {
    const faults = this.effective.get(signal)!;
    if (faults.timeoutRate > 0 && this.random() < faults.timeoutRate) return TIMEOUT;
    if (faults.errorRate > 0 && this.random() < faults.errorRate) return faults.error;
    return PASS;
  }
}

function resolve(config: FaultConfig, signal: SimulatedSignal): EffectiveFaults {
  const merged: FaultSettings = { ...pickSettings(config), ...config[signal] };
  const latency = merged.latencyMs ?? { min: 0, max: 0 };
  return {
    minLatency: latency.min,
    latencySpread: latency.max - latency.min,
    errorRate: merged.errorRate ?? 0,
    timeoutRate: merged.timeoutRate ?? 0,
    error: Object.freeze({
      kind: 'error',
      status: merged.errorStatus ?? 500,
      ...(merged.errorCode !== undefined ? { code: merged.errorCode } : {}),
    }),
  };
}

function pickSettings(config: FaultConfig): FaultSettings {
  const { latencyMs, errorRate, errorStatus, errorCode, timeoutRate } = config;
  const settings: FaultSettings = {};
  if (latencyMs !== undefined) settings.latencyMs = latencyMs;
  if (errorRate !== undefined) settings.errorRate = errorRate;
  if (errorStatus !== undefined) settings.errorStatus = errorStatus;
  if (errorCode !== undefined) settings.errorCode = errorCode;
  if (timeoutRate !== undefined) settings.timeoutRate = timeoutRate;
  return settings;
}
