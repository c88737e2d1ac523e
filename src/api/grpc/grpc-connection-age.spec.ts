import { describe, expect, it } from '@jest/globals';
import * as grpc from '@grpc/grpc-js';
import { loadConfig } from '../../config/app-config.js';
import { grpcChannelOptions } from './grpc-options.js';

const bind = (server: grpc.Server): Promise<number> =>
  new Promise((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port))),
  );

/** Resolves with the next connectivity state other than `from`, or undefined after timeoutMs. */
const nextState = (client: grpc.Client, from: grpc.connectivityState, timeoutMs: number) =>
  new Promise<grpc.connectivityState | undefined>((resolve) =>
    client.getChannel().watchConnectivityState(from, Date.now() + timeoutMs, (error) => {
      resolve(error ? undefined : client.getChannel().getConnectivityState(false));
    }),
  );

describe('gRPC max connection age (GRPC_MAX_CONNECTION_AGE_MS)', () => {
  it('maps the settings onto the grpc-js server options', () => {
    const config = loadConfig({ GRPC_MAX_CONNECTION_AGE_MS: '120000', SHUTDOWN_TIMEOUT_MS: '15000' });
    expect(grpcChannelOptions(config)).toEqual({ 'grpc.max_connection_age_ms': 120000, 'grpc.max_connection_age_grace_ms': 15000 });
    expect(grpcChannelOptions(loadConfig({}))['grpc.max_connection_age_ms']).toBe(300000);
  });

  it.each([
    ['with an age limit, the server closes a connection and the client goes idle (reconnects on its next call)', '1000', true],
    ['with a long limit, the connection stays up', '600000', false],
  ])('%s', async (_name, ageMs, closes) => {
    const server = new grpc.Server(grpcChannelOptions(loadConfig({ GRPC_MAX_CONNECTION_AGE_MS: ageMs })));
    const port = await bind(server);
    const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    try {
      await new Promise<void>((resolve, reject) => client.waitForReady(Date.now() + 5000, (e) => (e ? reject(e) : resolve())));
      const after = await nextState(client, grpc.connectivityState.READY, 4000);
      if (closes) expect(after).toBe(grpc.connectivityState.IDLE);
      else expect(after).toBeUndefined();
    } finally {
      client.close();
      server.forceShutdown();
    }
  });
});
