import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type HistogramConfiguration,
  type LabelValues,
  type OpenMetricsContentType,
  type ObserveDataWithExemplar,
} from 'prom-client';

/**
 * The one owner of every instrument. Labels are bounded enums only: never a phone number,
 * account, event or decision id. docs/metrics.md is the catalogue; keep them in step.
 */
// Dense enough to tell 10 ms from 25 ms and 1 s from 3 s; 0.25 is the decision latency objective
// (99 % of Kafka events decided within 250 ms), so the SLO reads an exact bucket.
const LATENCY_BUCKETS = [0.005, 0.01, 0.015, 0.025, 0.035, 0.05, 0.075, 0.1, 0.125, 0.15, 0.2, 0.25, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5];

export interface RiskwireMetricsOptions {
  defaultMetrics?: boolean;
  /**
   * Tracing on: the active span's ids, attached as exemplars to the latency histograms (OpenMetrics scrapes show
   * them). Without it the histograms are plain and observing costs what it always did.
   */
  exemplars?: () => { traceId: string; spanId: string } | undefined;
}

/** Holds the options while the instruments (field initializers, run after super()) are built. */
abstract class WithOptions {
  protected constructor(protected readonly options: RiskwireMetricsOptions) {}
}

export class RiskwireMetrics extends WithOptions {
  readonly registry = new Registry();

  readonly eventsConsumed = new Counter({
    name: 'riskwire_events_consumed_total',
    help: 'Events read from Kafka, by topic and event type (type "invalid" when it is no known type: unparsable, missing or unsupported).',
    labelNames: ['topic', 'type'],
    registers: [this.registry],
  });
  readonly decisions = new Counter({
    name: 'riskwire_decisions_total',
    help: 'Decisions made, by event type, outcome, source (kafka|http|grpc) and whether degraded.',
    labelNames: ['event_type', 'outcome', 'source', 'degraded'],
    registers: [this.registry],
  });
  readonly reasons = new Counter({
    name: 'riskwire_decision_reasons_total',
    help: 'Reason codes attached to decisions.',
    labelNames: ['code'],
    registers: [this.registry],
  });
  readonly deadLetters = new Counter({
    name: 'riskwire_dead_letters_total',
    help: 'Records sent to the dead-letter topic, by error code and source topic.',
    labelNames: ['code', 'topic'],
    registers: [this.registry],
  });
  readonly decisionLatency = this.latencyHistogram({
    name: 'riskwire_decision_latency_seconds',
    help: 'Consumption (or request) to decision acknowledged, by source.',
    labelNames: ['source'],
    buckets: LATENCY_BUCKETS,
  });
  readonly eventAge = new Histogram({
    name: 'riskwire_event_to_decision_seconds',
    help: 'Event occurredAt (producer timestamp) to decision acknowledged.',
    labelNames: ['source'],
    buckets: [...LATENCY_BUCKETS, 10, 30, 60, 300],
    registers: [this.registry],
  });
  readonly signalDuration = this.latencyHistogram({
    name: 'riskwire_signal_request_duration_seconds',
    help: 'Upstream request duration by provider (an id of the providers file), signal and result (ok, not_found, not_applicable, timeout, http_4xx, http_5xx, error).',
    labelNames: ['provider', 'signal', 'result'],
    buckets: LATENCY_BUCKETS,
  });
  readonly signalLookups = new Counter({
    name: 'riskwire_signal_lookups_total',
    help: 'Signal lookups by signal and how they were answered (upstream, cache, coalesced, skipped).',
    labelNames: ['signal', 'source'],
    registers: [this.registry],
  });
  readonly upstreamCalls = new Counter({
    name: 'riskwire_upstream_calls_total',
    help: 'Paid calls made to the signal providers, by provider, signal and endpoint.',
    labelNames: ['provider', 'signal', 'endpoint'],
    registers: [this.registry],
  });
  readonly upstreamCallsPerEvent = new Histogram({
    name: 'riskwire_upstream_calls_per_event',
    help: 'Paid upstream calls needed for one decision.',
    buckets: [0, 1, 2, 3, 4, 6, 9],
    registers: [this.registry],
  });
  readonly circuitState = new Gauge({
    name: 'riskwire_signal_circuit_open',
    help: '1 while the circuit breaker of a signal is open at a provider.',
    labelNames: ['provider', 'signal'],
    registers: [this.registry],
  });
  readonly signalFailovers = new Counter({
    name: 'riskwire_signal_failovers_total',
    help: "Lookups handed to a route's fallback because the primary provider's answer was UNAVAILABLE, by primary provider and signal.",
    labelNames: ['provider', 'signal'],
    registers: [this.registry],
  });
  readonly inFlight = new Gauge({
    name: 'riskwire_events_in_flight',
    help: 'Events being processed right now.',
    registers: [this.registry],
  });
  readonly concurrencyLimit = new Gauge({
    name: 'riskwire_events_in_flight_limit',
    help: 'Events the consumer lets in at once: the adaptive limit (ADAPTIVE_CONCURRENCY), at most MAX_IN_FLIGHT.',
    registers: [this.registry],
  });
  readonly consumerLag = new Gauge({
    name: 'riskwire_consumer_lag',
    help: 'Messages between the high watermark and the last offset fetched, per topic and partition.',
    labelNames: ['topic', 'partition'],
    registers: [this.registry],
  });
  // --- Broker-side offsets (src/kafka/group-offsets-monitor.ts): read on an interval, every partition of the input topics
  readonly kafkaLogEndOffset = new Gauge({
    name: 'riskwire_kafka_log_end_offset',
    help: 'Log-end offset (high watermark) of each input partition, read from the broker on an interval.',
    labelNames: ['topic', 'partition'],
    registers: [this.registry],
  });
  readonly kafkaCommittedOffset = new Gauge({
    name: 'riskwire_kafka_committed_offset',
    help: "The consumer group's committed offset of each input partition, read from the broker on an interval.",
    labelNames: ['topic', 'partition'],
    registers: [this.registry],
  });
  readonly kafkaGroupLag = new Gauge({
    name: 'riskwire_kafka_group_lag',
    help: 'Log-end offset minus the group committed offset of each input partition, read from the broker on an interval.',
    labelNames: ['topic', 'partition'],
    registers: [this.registry],
  });
  readonly kafkaOffsetReads = new Counter({
    name: 'riskwire_kafka_offset_reads_total',
    help: 'Reads of the group and log-end offsets from the broker, by result (ok, failed).',
    labelNames: ['result'],
    registers: [this.registry],
  });
  readonly rebalances = new Counter({
    name: 'riskwire_consumer_rebalances_total',
    help: 'Consumer group rebalances (joins).',
    registers: [this.registry],
  });
  readonly consumerCrashes = new Counter({
    name: 'riskwire_consumer_crashes_total',
    help: 'Consumer crashes reported by the Kafka client.',
    labelNames: ['restart'],
    registers: [this.registry],
  });
  readonly producerErrors = new Counter({
    name: 'riskwire_producer_errors_total',
    help: 'Failed publishes, by topic kind (decisions|dlq).',
    labelNames: ['topic_kind'],
    registers: [this.registry],
  });
  readonly processingRetries = new Counter({
    name: 'riskwire_processing_retries_total',
    help: 'Transient failures retried while processing an event.',
    registers: [this.registry],
  });
  readonly processingErrors = new Counter({
    name: 'riskwire_processing_errors_total',
    help: 'Exceptions while processing a Kafka record, by class: deterministic (dead-lettered at once), unexpected (dead-lettered as PROCESSING_FAILED after bounded attempts), transient (held and retried).',
    labelNames: ['class'],
    registers: [this.registry],
  });
  readonly eventsHeld = new Gauge({
    name: 'riskwire_events_held',
    help: 'Records held back by a transient fault (broker, decisions topic, Redis): consumption is paused while any is held.',
    registers: [this.registry],
  });
  readonly kafkaUp = new Gauge({
    name: 'riskwire_kafka_up',
    help: '1 while the Kafka consumer is in its group (client="consumer") or the producer is connected (client="producer"). Not part of readiness.',
    labelNames: ['client'],
    registers: [this.registry],
  });
  readonly consumerRestarts = new Counter({
    name: 'riskwire_consumer_restarts_total',
    help: 'Restarts of the Kafka consumer after a crash or a failed start, by result (ok, failed).',
    labelNames: ['result'],
    registers: [this.registry],
  });
  readonly producerBatchSplits = new Counter({
    name: 'riskwire_producer_batch_splits_total',
    help: 'Produce batches the broker refused as too large and that were resent record by record.',
    registers: [this.registry],
  });
  readonly deadLettersShrunk = new Counter({
    name: 'riskwire_dead_letters_shrunk_total',
    help: 'Dead letters cut to fit: payload or key truncated at the limit (how="truncated"), or replaced by a minimal dead letter after the broker refused it (how="minimal").',
    labelNames: ['how'],
    registers: [this.registry],
  });
  readonly httpRequests = new Counter({
    name: 'riskwire_http_requests_total',
    help: 'HTTP API requests by method, route template and status code.',
    labelNames: ['method', 'route', 'status'],
    registers: [this.registry],
  });
  readonly httpDuration = this.latencyHistogram({
    name: 'riskwire_http_request_duration_seconds',
    help: 'HTTP API request duration by method, route template and status code.',
    labelNames: ['method', 'route', 'status'],
    buckets: LATENCY_BUCKETS,
  });
  readonly grpcRequests = new Counter({
    name: 'riskwire_grpc_requests_total',
    help: 'gRPC requests by method and status code name.',
    labelNames: ['method', 'code'],
    registers: [this.registry],
  });
  readonly grpcDuration = this.latencyHistogram({
    name: 'riskwire_grpc_request_duration_seconds',
    help: 'gRPC request duration by method and status code name.',
    labelNames: ['method', 'code'],
    buckets: LATENCY_BUCKETS,
  });
  readonly callbacks = new Counter({
    name: 'riskwire_callbacks_total',
    help: 'Async assessment callback deliveries by result (delivered, retried, failed).',
    labelNames: ['result'],
    registers: [this.registry],
  });
  // --- signal providers (CAMARA): problems an operator must fix, token requests
  readonly signalProviderProblems = new Counter({
    name: 'riskwire_signal_provider_problems_total',
    help: 'Provider answers an operator must act on, by provider, operation and problem (auth_failed, unauthenticated, permission_denied, configuration_error, not_implemented).',
    labelNames: ['provider', 'operation', 'problem'],
    registers: [this.registry],
  });
  readonly signalProviderTokenRequests = new Counter({
    name: 'riskwire_signal_provider_token_requests_total',
    help: 'OAuth2 client-credentials token requests by provider and outcome (ok, failed).',
    labelNames: ['provider', 'outcome'],
    registers: [this.registry],
  });
  readonly buildInfo = new Gauge({
    name: 'riskwire_build_info',
    help: 'Always 1; labels carry the service and policy versions.',
    labelNames: ['version', 'policy_version', 'node_version'],
    registers: [this.registry],
  });

  // --- Policy lifecycle: which policies are active, reloads, the shadow policy's verdicts, fraud labels
  readonly policyInfo = new Gauge({
    name: 'riskwire_policy_info',
    help: 'Always 1 for each active policy: role (live|shadow) and its version.',
    labelNames: ['role', 'version'],
    registers: [this.registry],
  });
  readonly policyReloads = new Counter({
    name: 'riskwire_policy_reloads_total',
    help: 'Policy files reloaded and swapped in, by role (live|shadow).',
    labelNames: ['role'],
    registers: [this.registry],
  });
  readonly policyReloadFailures = new Counter({
    name: 'riskwire_policy_reload_failures_total',
    help: 'Changed policy files rejected (unreadable or invalid); the running policy kept serving. By role (live|shadow).',
    labelNames: ['role'],
    registers: [this.registry],
  });
  readonly shadowTransitions = new Counter({
    name: 'riskwire_shadow_outcome_transitions_total',
    help: 'Events scored by the shadow policy, by the live outcome and the shadow outcome.',
    labelNames: ['live_outcome', 'shadow_outcome'],
    registers: [this.registry],
  });
  readonly shadowUnfetchedSignals = new Counter({
    name: 'riskwire_shadow_unfetched_signals_total',
    help: 'Signals the shadow policy needed that the live policy did not ask for (not fetched: scored as skipped), by signal.',
    labelNames: ['signal'],
    registers: [this.registry],
  });
  readonly shadowPublishFailures = new Counter({
    name: 'riskwire_shadow_publish_failures_total',
    help: 'Shadow decisions the broker did not take (the live decision is unaffected).',
    registers: [this.registry],
  });
  readonly labels = new Counter({
    name: 'riskwire_labels_total',
    help: 'Fraud labels accepted, by label (fraud|legit) and the outcome of the labelled decision (unknown when no longer retained).',
    labelNames: ['label', 'outcome'],
    registers: [this.registry],
  });

  // --- policy enforcement: decline-rate guard and policy mode (src/enforcement)
  readonly declineRateGuardActive = new Gauge({
    name: 'riskwire_decline_rate_guard_active',
    help: "1 while this replica's decline-rate guard turns new DENYs into REVIEW (DENY share over the policy's window above its threshold).",
    registers: [this.registry],
  });
  readonly declineRateDenyShare = new Gauge({
    name: 'riskwire_decline_rate_deny_share',
    help: "Share (0-1) of the policy's own DENYs among this replica's decisions over the guard's window.",
    registers: [this.registry],
  });
  readonly policyMode = new Gauge({
    name: 'riskwire_policy_mode',
    help: '1 for the active policy mode (enforce|monitor; monitor publishes ALLOW with the policy outcome in proposedOutcome), 0 for the other.',
    labelNames: ['mode'],
    registers: [this.registry],
  });

  constructor(options: RiskwireMetricsOptions = {}) {
    super(options);
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'riskwire_' });
    // Failure counters exist at 0 from the start: increase() over a series that appears on its
    // first failure misses that failure, and dashboards show "0" rather than "no data".
    for (const restart of ['true', 'false']) this.consumerCrashes.inc({ restart }, 0);
    for (const topic_kind of ['decisions', 'dlq']) this.producerErrors.inc({ topic_kind }, 0);
    for (const result of ['delivered', 'retried', 'failed']) this.callbacks.inc({ result }, 0);
    for (const kind of ['deterministic', 'unexpected', 'transient']) this.processingErrors.inc({ class: kind }, 0);
    for (const result of ['ok', 'failed']) this.consumerRestarts.inc({ result }, 0);
    for (const how of ['truncated', 'minimal']) this.deadLettersShrunk.inc({ how }, 0);
    for (const client of ['consumer', 'producer']) this.kafkaUp.set({ client }, 0);
    for (const role of ['live', 'shadow']) this.policyReloadFailures.inc({ role }, 0);
    this.shadowPublishFailures.inc(0);
    for (const role of ['live', 'shadow']) this.policyReloads.inc({ role }, 0);
    for (const signal of ['simSwap', 'deviceSwap', 'callForwarding']) this.shadowUnfetchedSignals.inc({ signal }, 0);
    for (const result of ['ok', 'failed']) this.kafkaOffsetReads.inc({ result }, 0);
    this.declineRateGuardActive.set(0);
    this.declineRateDenyShare.set(0);
    this.policyMode.set({ mode: 'enforce' }, 1);
    this.policyMode.set({ mode: 'monitor' }, 0);
  }

  /**
   * The exposition in the OpenMetrics format, exemplars included. prom-client's own OpenMetrics output renames
   * counters in place (drops `_total` from the metric object), which would corrupt the text format served next,
   * so each family is rendered from a copy of its data.
   */
  /** true while tracing is on: the latency histograms carry exemplars */
  get exemplarsEnabled(): boolean {
    return this.options.exemplars !== undefined;
  }

  async openMetrics(): Promise<string> {
    const openMetricsRegistry = new Registry<OpenMetricsContentType>();
    openMetricsRegistry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    const renderer = openMetricsRegistry as unknown as OpenMetricsRenderer;
    const families = await Promise.all(
      this.registry.getMetricsAsArray().map(async (metric) => {
        const source = metric as unknown as { get(): Promise<MetricData>; getForPromString?: () => Promise<MetricData> };
        const data = await (source.getForPromString?.() ?? source.get());
        const name = data.type === 'counter' ? data.name.replace(/_total$/, '') : data.name;
        return renderer.getMetricsAsString({ get: () => Promise.resolve({ ...data, name }) });
      }),
    );
    return `${families.join('\n')}\n# EOF\n`;
  }

  private latencyHistogram<T extends string>(config: HistogramConfiguration<T>): Histogram<T> {
    const exemplars = this.options.exemplars;
    if (exemplars === undefined) return new Histogram({ ...config, registers: [this.registry] });
    // prom-client refuses exemplars on a text-format registry at construction only; the text format skips them
    const histogram = new Histogram({ ...config, registers: [], enableExemplars: true });
    this.registry.registerMetric(histogram);
    const observeWithExemplar = histogram.observe.bind(histogram) as (data: ObserveDataWithExemplar<T>) => void;
    histogram.observe = ((labels: LabelValues<T>, value: number) => {
      const ids = exemplars();
      const exemplarLabels = (ids ? { trace_id: ids.traceId, span_id: ids.spanId } : {}) as LabelValues<T>;
      observeWithExemplar({ labels, value, exemplarLabels });
    }) as Histogram<T>['observe'];
    return histogram;
  }
}

type MetricData = { name: string; type: string };
type OpenMetricsRenderer = { getMetricsAsString(metric: { get(): Promise<MetricData> }): Promise<string> };
