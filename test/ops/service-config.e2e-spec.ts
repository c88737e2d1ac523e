import { beforeAll, describe, expect, it } from '@jest/globals';
import { loadApiKeys } from '../../src/credentials/api-key-sources.js';
import { ConfigError, loadConfig, type AppConfig } from '../../src/config/app-config.js';
import { type Yaml, findTool, parseYaml, parseYamlStream, readRepoFile, runOk } from './ops-tools.js';

// The deployment files against the service's own parser: what the compose stack and the Helm chart hand the
// container must pass loadConfig and its production guard, and the chart's default values must be refused.

const CHART = 'helm/riskwire';
type Env = Record<string, string>;

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
}
interface Container {
  env?: EnvVar[];
  envFrom?: Array<{ configMapRef?: { name: string } }>;
}

/** The runtime stage's ENV instruction: what every container of the image starts with. */
function dockerfileRuntimeEnv(): Env {
  const dockerfile = readRepoFile('Dockerfile');
  const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));
  const instruction = /^ENV ((?:.*\\\n)*.*)$/m.exec(runtime)?.[1] ?? '';
  const text = instruction.replace(/\\\n/g, ' ');
  return Object.fromEntries([...text.matchAll(/([A-Z_][A-Z0-9_]*)=("[^"]*"|\S+)/g)].map((m) => [m[1]!, m[2]!.replace(/^"|"$/g, '')]));
}

/** Like loadConfig, but returns the refusal instead of throwing it. */
function judge(env: Env): { config?: AppConfig; refused?: ConfigError } {
  try {
    return { config: loadConfig(env) };
  } catch (err) {
    if (err instanceof ConfigError) return { refused: err };
    throw err;
  }
}

const refusedVariables = (env: Env) => (judge(env).refused?.problems ?? []).map((p) => p.variable).sort();

describe('the service accepts the configuration its deployment files give it', () => {
  describe('docker-compose.yml', () => {
    let composeEnv: Env;
    beforeAll(() => {
      const compose = parseYaml<{ services: Record<string, { environment?: Record<string, string | number> }> }>(
        readRepoFile('docker-compose.yml'),
      );
      const environment = compose.services.riskwire?.environment ?? {};
      // the container starts with the image's ENV, the compose environment on top
      composeEnv = { ...dockerfileRuntimeEnv(), ...Object.fromEntries(Object.entries(environment).map(([k, v]) => [k, String(v)])) };
    });

    it('starts: the riskwire service environment passes loadConfig, in development mode, with a usable API key', () => {
      const { config, refused } = judge(composeEnv);
      expect(refused?.message).toBeUndefined();
      expect(config?.env).toBe('development');
      expect(loadApiKeys(config!.api).map((k) => [k.id, k.scopes])).toEqual([['demo', ['assess', 'read', 'admin']]]);
      expect(config?.api).toMatchObject({ auth: 'keys', callbacks: 'enabled' });
    });

    it('meets every production rule but the upstream key, which must stay the simulator development key', () => {
      expect(refusedVariables({ ...composeEnv, RISKWIRE_ENV: 'production' })).toEqual(['SIGNALS_API_KEY']);
    });
  });

  describe('Dockerfile', () => {
    it('defaults to production, so the bare image refuses to start and names what is missing', () => {
      const imageEnv = dockerfileRuntimeEnv();
      expect(imageEnv.RISKWIRE_ENV).toBe('production');
      expect(refusedVariables(imageEnv)).toEqual([
        'API_KEYS',
        'CALLBACK_SIGNING_SECRET',
        'DECISION_ID_SECRET',
        'LIST_HASH_SECRET',
        'SIGNALS_API_KEY',
      ]);
    });
  });

  describe('Helm chart', () => {
    let helm: string;
    const render = (args: string[]) =>
      parseYamlStream(runOk(helm, ['template', 'rw', CHART, '--namespace', 'risk', '--kube-version', '1.30.0', ...args]));

    /**
     * The environment the kubelet would give the container: the ConfigMap (envFrom), then env with each
     * secretKeyRef resolved from the given Secrets (the chart's own, or a stand-in for an existing one).
     */
    function podEnv(docs: Yaml[], externalSecrets: Record<string, Env> = {}): Env {
      const secrets: Record<string, Env> = { ...externalSecrets };
      for (const doc of docs.filter((d) => d.kind === 'Secret')) {
        const data = (doc.data ?? {}) as Env;
        secrets[(doc.metadata as { name: string }).name] = Object.fromEntries(
          Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
        );
      }
      const deployment = docs.find((d) => d.kind === 'Deployment') as { spec: { template: { spec: { containers: Container[] } } } };
      const container = deployment.spec.template.spec.containers[0]!;
      const env: Env = {};
      for (const ref of container.envFrom ?? []) {
        const map = docs.find((d) => d.kind === 'ConfigMap' && (d.metadata as { name: string }).name === ref.configMapRef?.name);
        Object.assign(env, (map?.data ?? {}) as Env);
      }
      for (const variable of container.env ?? []) {
        const ref = variable.valueFrom?.secretKeyRef;
        if (!ref) {
          env[variable.name] = variable.value ?? '';
          continue;
        }
        const value = secrets[ref.name]?.[ref.key];
        // a required key missing from its Secret keeps the pod from starting at all
        if (value === undefined) throw new Error(`pod would not start: Secret ${ref.name} has no key ${ref.key}`);
        env[variable.name] = value;
      }
      return env;
    }

    beforeAll(() => {
      helm = findTool('helm');
    });

    it('default values render a release whose pods refuse to start, naming every missing variable', () => {
      const env = podEnv(render([]));
      expect(env.RISKWIRE_ENV).toBe('production');
      const refused = judge(env).refused;
      expect(refused?.message).toMatch(/^Refusing to start with RISKWIRE_ENV=production: /);
      expect(refusedVariables(env)).toEqual([
        'API_KEYS',
        'CALLBACK_SIGNING_SECRET',
        'DECISION_ID_SECRET',
        'LIST_HASH_SECRET',
        'SIGNALS_API_KEY',
      ]);
    });

    it('the all-options CI values are accepted in production', () => {
      const { config, refused } = judge(podEnv(render(['-f', `${CHART}/ci/all-options-values.yaml`])));
      expect(refused?.message).toBeUndefined();
      expect(config).toMatchObject({
        env: 'production',
        api: { auth: 'keys', callbacks: 'enabled' },
        store: { redisUrl: 'redis://:ci-redis-password@redis:6379/0' },
      });
    });

    it('an existing Secret holding realistic values is accepted; one with a key left blank is refused naming it', () => {
      const docs = render(['-f', `${CHART}/ci/existing-secret-values.yaml`]);
      const secret: Env = {
        SIGNALS_API_KEY: 'tyntec-production-key-5d1e7a',
        API_KEYS: 'bank-app:T4uV9wX2yZ7aB1cD6eF3gH8iJ5kL0mN:assess,monitoring:pQ2rS7tU4vW9xY1zA6bC3dE8fG5hI0j:read',
        REDIS_URL: '',
        CALLBACK_SIGNING_SECRET: `whsec_${Buffer.alloc(32, 0x5a).toString('base64')}`,
        DECISION_ID_SECRET: 'b8f2c6a1e9d4f7a3c5e8b1d6f9a2c4e7',
        LIST_HASH_SECRET: 'c3e7a9f1b5d2e8c4a6f0b9d3e7c1a5f8',
      };
      const { config, refused } = judge(podEnv(docs, { 'riskwire-credentials': secret }));
      expect(refused?.message).toBeUndefined();
      expect(loadApiKeys(config!.api).map((k) => k.id)).toEqual(['bank-app', 'monitoring']);
      expect(refusedVariables(podEnv(docs, { 'riskwire-credentials': { ...secret, API_KEYS: '' } }))).toEqual(['API_KEYS']);
      // the mistyped Secret of the issue: a bare token instead of id:secret:scope
      expect(refusedVariables(podEnv(docs, { 'riskwire-credentials': { ...secret, API_KEYS: 'riskwire-dev-key' } }))).toEqual(['API_KEYS']);
      const withoutKey = Object.fromEntries(Object.entries(secret).filter(([k]) => k !== 'DECISION_ID_SECRET'));
      expect(() => podEnv(docs, { 'riskwire-credentials': withoutKey })).toThrow('has no key DECISION_ID_SECRET');
    });

    it('an open API and no callbacks are accepted only when both are said explicitly', () => {
      const set = [
        '--set',
        'secrets.signalsApiKey=tyntec-production-key-5d1e7a',
        '--set',
        'secrets.decisionIdSecret=b8f2c6a1e9d4f7a3c5e8b1d6f9a2c4e7',
        '--set',
        'secrets.listHashSecret=c3e7a9f1b5d2e8c4a6f0b9d3e7c1a5f8',
      ];
      expect(refusedVariables(podEnv(render(set)))).toEqual(['API_KEYS', 'CALLBACK_SIGNING_SECRET']);
      const explicit = podEnv(render([...set, '--set', 'config.apiAuth=disabled', '--set', 'config.callbacks=disabled']));
      expect(judge(explicit).config?.api).toMatchObject({ auth: 'disabled', callbacks: 'disabled' });
    });
  });
});
