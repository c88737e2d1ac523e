/* eslint-disable @typescript-eslint/no-explicit-any -- grpcurl prints JSON, parsed untyped */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { decisionIdFor } from '../../src/decisions/decision-id.js';
import { findTool, repoPath } from '../ops/ops-tools.js';
import { PipelineStack } from '../support/pipeline-stack.js';
import { ServiceProcess } from '../support/service-process.js';
import { SimulatorAdmin, hoursAgo } from '../support/simulator-admin.js';

/**
 * The built service, against the real broker, driven by the real grpcurl (the Go client, installed by
 * scripts/ops/install-tools.sh) through server reflection only: no -proto flag anywhere. Go's protobuf
 * is stricter than Node's about the descriptors it is sent, which is what this proves.
 */

const UPSTREAM_KEY = 'grpcurl-upstream-key';
// the secret docs/api.md's examples use, so they run here as printed
const API_SECRET = 's3cret-ops';
const DECISION_ID_SECRET = 'grpcurl-decision-id-secret';

interface GrpcurlResult {
  code: number;
  stdout: string;
  stderr: string;
}

describe('grpcurl through server reflection (real Go client, service as a process, real broker)', () => {
  let grpcurl: string;
  let stack: PipelineStack;
  let admin: SimulatorAdmin;
  let service: ServiceProcess;
  let address: string;

  /** Runs grpcurl asynchronously: the simulator answering the service lives in this process. */
  const run = (args: string[], timeoutMs = 20_000): Promise<GrpcurlResult> =>
    new Promise((resolve) => {
      execFile(grpcurl, args, { timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      });
    });

  const ok = async (args: string[]): Promise<string> => {
    const result = await run(args);
    if (result.code !== 0) throw new Error(`grpcurl ${args.join(' ')} exited ${result.code}:\n${result.stderr}\n${result.stdout}`);
    return result.stdout;
  };

  const auth = ['-H', `authorization: Bearer ${API_SECRET}`];
  const call = (method: string, body: unknown, extra: string[] = auth) =>
    run(['-plaintext', ...extra, '-d', JSON.stringify(body), address, `riskwire.v1.RiskService/${method}`]);

  beforeAll(async () => {
    grpcurl = findTool('grpcurl');
    stack = await PipelineStack.start({
      prefix: 'grpcurl',
      upstreamKey: UPSTREAM_KEY,
      partitions: 1,
      readers: false,
      env: { SIGNAL_CACHE: 'off', API_KEYS: `ops:${API_SECRET}:assess|read`, DECISION_ID_SECRET },
    });
    ({ admin, service } = stack);
    address = `127.0.0.1:${service.grpcPort}`;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('list shows the risk service, health and reflection', async () => {
    const services = (await ok(['-plaintext', address, 'list'])).trim().split('\n');
    expect(services).toEqual([
      'grpc.health.v1.Health',
      'grpc.reflection.v1.ServerReflection',
      'grpc.reflection.v1alpha.ServerReflection',
      'riskwire.v1.RiskService',
    ]);
    expect((await ok(['-plaintext', address, 'list', 'riskwire.v1.RiskService'])).trim().split('\n')).toEqual([
      'riskwire.v1.RiskService.Assess',
      'riskwire.v1.RiskService.GetDecision',
      'riskwire.v1.RiskService.ListDecisions',
    ]);
  });

  it('describe shows the map fields Go used to reject, with the comments of the source', async () => {
    const decision = await ok(['-plaintext', address, 'describe', 'riskwire.v1.Decision']);
    expect(decision).toContain('riskwire.v1.Decision is a message:');
    expect(decision).toMatch(/map<string, \.riskwire\.v1\.Signal> signals = 11;/);
    expect(decision).toContain('// simSwap, deviceSwap, callForwarding');
    const health = await ok(['-plaintext', address, 'describe', 'grpc.health.v1.HealthListResponse']);
    expect(health).toMatch(/map<string, \.grpc\.health\.v1\.HealthCheckResponse> statuses = 1;/);
    const service = await ok(['-plaintext', address, 'describe', 'riskwire.v1.RiskService']);
    expect(service).toMatch(/rpc Assess \( \.riskwire\.v1\.AssessRequest \) returns \( \.riskwire\.v1\.AssessResponse \);/);
    expect(service).toMatch(/rpc GetDecision \( \.riskwire\.v1\.GetDecisionRequest \) returns \( \.riskwire\.v1\.GetDecisionResponse \);/);
    const outcome = await ok(['-plaintext', address, 'describe', 'riskwire.v1.Outcome']);
    expect(outcome).toMatch(/OUTCOME_UNSPECIFIED = 0;[\s\S]*OUTCOME_ALLOW = 1;[\s\S]*OUTCOME_DENY = 4;/);
    // every message of the file, through the symbol of a field: the whole file resolves in Go
    expect(await ok(['-plaintext', address, 'describe', 'riskwire.v1.Signal.latest_change'])).toContain(
      'optional string latest_change = 4;',
    );
  });

  it('grpc.health.v1.Health/Check answers SERVING for the server and the risk service', async () => {
    expect(JSON.parse(await ok(['-plaintext', address, 'grpc.health.v1.Health/Check']))).toEqual({ status: 'SERVING' });
    const risk = await ok(['-plaintext', '-d', '{"service":"riskwire.v1.RiskService"}', address, 'grpc.health.v1.Health/Check']);
    expect(JSON.parse(risk)).toEqual({ status: 'SERVING' });
    const unknown = await run(['-plaintext', '-d', '{"service":"nope.v1.Nope"}', address, 'grpc.health.v1.Health/Check']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('Code: NotFound');
  });

  it('Assess with an API key returns the decision, the same one HTTP and GetDecision return', async () => {
    const phone = '+491730000001';
    await admin.subscriber(phone, { simSwappedAt: hoursAgo(2), callForwardingActive: true });
    const eventId = `evt-grpcurl-${Date.now()}`;
    const result = await call('Assess', {
      event_id: eventId,
      occurred_at: new Date().toISOString(),
      account_id: 'acc-grpcurl',
      phone_number: phone,
      transaction: { amount: { value: '2500.00', currency: 'EUR' }, transaction_type: 'transfer' },
    });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const decision = JSON.parse(result.stdout);
    expect(decision).toMatchObject({
      decisionId: decisionIdFor(DECISION_ID_SECRET, 'ops', eventId),
      eventId,
      eventType: 'transaction',
      accountId: 'acc-grpcurl',
      outcome: 'OUTCOME_DENY',
    });
    expect(decision.reasons.map((r: { code: string }) => r.code)).toEqual(
      expect.arrayContaining(['SIM_SWAP_LT_24H', 'CALL_FORWARDING_ACTIVE']),
    );
    expect(decision.signals.callForwarding).toMatchObject({ status: 'OK', active: true });
    expect(Object.keys(decision.signals).sort()).toEqual(['callForwarding', 'deviceSwap', 'simSwap']);

    const http = await fetch(`${service.httpUrl}/v1/assessments/${decision.decisionId}`, {
      headers: { authorization: `Bearer ${API_SECRET}` },
    });
    const body = (await http.json()) as any;
    expect(`OUTCOME_${body.outcome}`).toBe(decision.outcome);
    expect(body.score).toBe(decision.score);

    const got = JSON.parse(
      await ok([
        '-plaintext',
        ...auth,
        '-d',
        JSON.stringify({ decision_id: decision.decisionId }),
        address,
        'riskwire.v1.RiskService/GetDecision',
      ]),
    );
    expect(got).toEqual(decision);
    const listed = JSON.parse(
      await ok(['-plaintext', ...auth, '-d', '{"account_id":"acc-grpcurl"}', address, 'riskwire.v1.RiskService/ListDecisions']),
    );
    expect(listed.decisions.map((d: { decisionId: string }) => d.decisionId)).toContain(decision.decisionId);
  });

  it('an invalid event is InvalidArgument with the field details, in the message and the trailers', async () => {
    const result = await run([
      '-plaintext',
      '-v',
      ...auth,
      '-d',
      JSON.stringify({
        event_id: 'evt-grpcurl-bad',
        occurred_at: '2026-11-21T10:15:00Z',
        account_id: 'acc-grpcurl',
        phone_number: '12345',
        login: {},
      }),
      address,
      'riskwire.v1.RiskService/Assess',
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('Code: InvalidArgument');
    expect(result.stderr).toMatch(
      /Message: Event failed validation: phoneNumber \[\{"field":"phoneNumber","code":"INVALID_PHONENUMBER_FORMAT"/,
    );
    expect(result.stdout).toContain('riskwire-error-code: VALIDATION_ERROR');
  });

  it('a missing or wrong API key is Unauthenticated', async () => {
    const login = {
      event_id: 'evt-grpcurl-noauth',
      occurred_at: '2026-11-21T10:15:00Z',
      account_id: 'a',
      phone_number: '+491730000002',
      login: { channel: 'web' },
    };
    const missing = await call('Assess', login, []);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('Code: Unauthenticated');
    const wrong = await call('Assess', login, ['-H', 'authorization: Bearer not-a-key']);
    expect(wrong.stderr).toContain('Code: Unauthenticated');
  });

  it('an unknown decision is NotFound', async () => {
    const result = await call('GetDecision', { decision_id: 'dec_doesnotexist' });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('Code: NotFound');
  });

  it("the docs' grpcurl commands work as printed (README's with the key header it says to add)", async () => {
    const commands = [
      ...extractGrpcurlCommands(readFileSync(repoPath('docs', 'api.md'), 'utf8')),
      ...extractGrpcurlCommands(readFileSync(repoPath('README.md'), 'utf8')),
    ];
    expect(commands.length).toBeGreaterThanOrEqual(5);
    for (const command of commands) {
      const withKey = command.includes('authorization')
        ? command
        : command.replace(/^grpcurl /, `grpcurl -H 'authorization: Bearer ${API_SECRET}' `);
      const runnable = withKey.replace(/^grpcurl /, `'${grpcurl}' `).replaceAll('localhost:50051', address);
      const result = await new Promise<GrpcurlResult>((resolve) =>
        execFile('bash', ['-c', runnable], { timeout: 20_000, encoding: 'utf8' }, (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
        ),
      );
      if (result.code !== 0) throw new Error(`documented command failed (${result.code}):\n${command}\n${result.stderr}`);
      expect(result.stdout.trim()).not.toBe('');
    }
  });
});

/** The grpcurl commands of a markdown file's shell blocks, continuation lines joined, comments dropped. */
function extractGrpcurlCommands(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/```(?:sh|bash)\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const commands: string[] = [];
  for (const block of blocks) {
    const joined = block.replace(/\\\n\s*/g, '').replace(/'\{([^']*)'/g, (quoted) => quoted.replace(/\n\s*/g, ' '));
    for (const line of joined.split('\n')) {
      const command = line.replace(/\s+#.*$/, '').trim();
      if (command.startsWith('grpcurl ')) commands.push(command);
    }
  }
  return commands;
}
