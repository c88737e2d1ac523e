import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';
import { freePort } from './ports.js';

export interface RedisServerOptions {
  /** requirepass */
  password?: string;
  /** serve TLS only (Debian's redis-server is built with TLS), with this certificate */
  tls?: { certFile: string; keyFile: string; caFile: string };
}

/** A real, throw-away redis-server on a free loopback port (CI installs Debian's redis-server). */
export class RedisServer {
  private proc?: ChildProcess;
  /** redis:// or rediss://, without the password */
  url = '';
  port = 0;

  constructor(private readonly options: RedisServerOptions = {}) {}

  /** `port`: start again where a stopped server was, so clients reconnect to it */
  async start(port?: number): Promise<this> {
    port ??= await freePort();
    this.port = port;
    const { password, tls } = this.options;
    const listen = tls
      ? [
          '--port',
          '0',
          '--tls-port',
          String(port),
          '--tls-cert-file',
          tls.certFile,
          '--tls-key-file',
          tls.keyFile,
          '--tls-ca-cert-file',
          tls.caFile,
          '--tls-auth-clients',
          'no',
        ]
      : ['--port', String(port)];
    this.proc = spawn(
      'redis-server',
      [...listen, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...(password ? ['--requirepass', password] : [])],
      {
        stdio: 'ignore',
      },
    );
    this.proc.on('error', () => undefined);
    this.url = `${tls ? 'rediss' : 'redis'}://127.0.0.1:${port}`;
    const until = Date.now() + 10000;
    for (;;) {
      const ok = await new Promise<boolean>((resolve) => {
        const s = createConnection({ port, host: '127.0.0.1' }, () => {
          s.end();
          resolve(true);
        });
        s.on('error', () => resolve(false));
      });
      if (ok) return this;
      if (this.proc.exitCode !== null || Date.now() > until) {
        throw new Error(
          'redis-server did not start: install it with apt-get install -y redis-server (scripts/ci/install-system-packages.sh)',
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
  }
}
