/**
 * `npm run backtest -- --policy candidate.json [--from-topic risk.decisions.v1 | --from-file decisions.jsonl]
 * [--labels-topic risk.labels.v1 | --labels-file labels.jsonl] [--since ISO --until ISO]`: scores recorded decisions
 * again under a candidate policy, offline (their evidence and signal answers are in the records: no telco call),
 * and writes backtest.json and backtest.html. Exit codes: 0 done, 2 bad usage or policy, 1 anything else.
 */
import 'reflect-metadata';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../src/config/app-config.js';
import { validateFraudLabel } from '../../src/contract/fraud-label-validation.js';
import type { Decision } from '../../src/domain/decision.js';
import type { FraudLabel } from '../../src/domain/fraud-label.js';
import { readPolicyFile } from '../../src/policy/policy-file.js';
import { PolicyError } from '../../src/scoring/risk-policy.js';
import { runBacktest } from './backtest-analysis.js';
import { parseBacktestOptions, USAGE, UsageError, type BacktestOptions } from './backtest-options.js';
import { htmlReport, summaryLines } from './backtest-report.js';
import { readJsonLines, readTopic, type ReadRecords } from './record-sources.js';

const say = (line: string) => process.stdout.write(`[backtest] ${line}\n`);

async function main(options: BacktestOptions): Promise<void> {
  const candidate = readPolicyFile(options.policy);
  // The service's own Kafka settings (brokers, TLS, SASL), without its production start-up rules: this is a tool.
  const config = loadConfig({
    ...process.env,
    RISKWIRE_ENV: 'development',
    ...(options.brokers ? { KAFKA_BROKERS: options.brokers } : {}),
  });
  const connection = { brokers: config.kafka.brokers, security: config.kafka.security };
  const read = (topic?: string, file?: string): Promise<ReadRecords> => (file ? readJsonLines(file) : readTopic(connection, topic!));

  const source = options.fromFile ?? `topic ${options.fromTopic}`;
  const recorded = await read(options.fromTopic, options.fromFile);
  const decisions = recorded.values.filter(isDecision);
  say(
    `${decisions.length} decisions read from ${source}${recorded.unreadable ? ` (${recorded.unreadable} unreadable records skipped)` : ''}`,
  );

  let labels: FraudLabel[] | undefined;
  if (options.labelsTopic || options.labelsFile) {
    const raw = await read(options.labelsTopic, options.labelsFile);
    labels = [];
    let invalid = raw.unreadable;
    for (const value of raw.values) {
      const checked = validateFraudLabel(value);
      if (checked.ok) labels.push(checked.label);
      else invalid += 1;
    }
    say(
      `${labels.length} labels read from ${options.labelsFile ?? `topic ${options.labelsTopic}`}${invalid ? ` (${invalid} invalid skipped)` : ''}`,
    );
  }

  const result = runBacktest({ decisions, candidate: candidate.policy, labels, since: options.since, until: options.until });
  for (const line of summaryLines(result)) say(line);
  const out = resolve(options.out);
  await mkdir(out, { recursive: true });
  const generatedAt = new Date().toISOString();
  const document = {
    generatedAt,
    source,
    labelsSource: options.labelsFile ?? options.labelsTopic,
    candidateFile: candidate.file,
    candidateContentHash: `sha256:${candidate.contentHash}`,
    ...result,
  };
  await writeFile(join(out, 'backtest.json'), JSON.stringify(document, null, 2) + '\n');
  await writeFile(join(out, 'backtest.html'), htmlReport(result, { source, generatedAt }));
  say(`wrote ${join(out, 'backtest.json')} and ${join(out, 'backtest.html')}`);
}

function isDecision(value: unknown): value is Decision {
  const d = value as Partial<Decision> | null;
  return (
    typeof d === 'object' &&
    d !== null &&
    typeof d.decisionId === 'string' &&
    typeof d.outcome === 'string' &&
    typeof d.decidedAt === 'string'
  );
}

try {
  await main(parseBacktestOptions(process.argv.slice(2)));
} catch (error) {
  if (error instanceof UsageError || error instanceof PolicyError) {
    process.stderr.write(`backtest: ${(error as Error).message}\n${error instanceof UsageError ? USAGE + '\n' : ''}`);
    process.exit(2);
  }
  process.stderr.write(`backtest: ${(error as Error).message}\n`);
  process.exit(1);
}
