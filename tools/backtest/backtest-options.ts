import { parseArgs } from 'node:util';
import { isRfc3339DateTime } from '../../src/common/rfc3339.js';

export interface BacktestOptions {
  policy: string;
  fromTopic?: string;
  fromFile?: string;
  labelsTopic?: string;
  labelsFile?: string;
  since?: Date;
  until?: Date;
  brokers?: string;
  out: string;
}

export const USAGE = `usage: npm run backtest -- --policy candidate.json [options]
  --policy FILE           the candidate policy (validated like POLICY_FILE)
  --from-topic TOPIC      recorded decisions from Kafka, read from the beginning to the end (default risk.decisions.v1)
  --from-file FILE        recorded decisions from a JSON Lines file instead (one decision per line)
  --labels-topic TOPIC    fraud labels from Kafka (e.g. risk.labels.v1): adds precision, recall and fraud let through
  --labels-file FILE      fraud labels from a JSON Lines file instead
  --since ISO --until ISO only decisions made in [since, until) (RFC 3339)
  --brokers HOST:PORT,..  the brokers (default KAFKA_BROKERS, then 127.0.0.1:9092; KAFKA_SSL*/KAFKA_SASL_* apply)
  --out DIR               where backtest.json and backtest.html go (default .backtest)`;

export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseBacktestOptions(argv: string[]): BacktestOptions {
  try {
    return checked(argv);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError((error as Error).message); // parseArgs: an unknown option or a missing value
  }
}

function checked(argv: string[]): BacktestOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      policy: { type: 'string' },
      'from-topic': { type: 'string' },
      'from-file': { type: 'string' },
      'labels-topic': { type: 'string' },
      'labels-file': { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      brokers: { type: 'string' },
      out: { type: 'string', default: '.backtest' },
    },
    strict: true,
  });
  if (!values.policy) throw new UsageError('--policy is required');
  if (values['from-topic'] && values['from-file']) throw new UsageError('give --from-topic or --from-file, not both');
  if (values['labels-topic'] && values['labels-file']) throw new UsageError('give --labels-topic or --labels-file, not both');
  const date = (name: 'since' | 'until') => {
    const v = values[name];
    if (v === undefined) return undefined;
    if (!isRfc3339DateTime(v)) throw new UsageError(`--${name} must be an RFC 3339 date-time with a zone, e.g. 2026-12-01T00:00:00Z`);
    return new Date(v);
  };
  const since = date('since');
  const until = date('until');
  if (since && until && since >= until) throw new UsageError('--since must be before --until');
  return {
    policy: values.policy,
    fromFile: values['from-file'],
    fromTopic: values['from-file'] ? undefined : (values['from-topic'] ?? 'risk.decisions.v1'),
    labelsTopic: values['labels-topic'],
    labelsFile: values['labels-file'],
    since,
    until,
    brokers: values.brokers,
    out: values.out,
  };
}
