import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { AddressInfo } from 'node:net';
import { Logger, PinoLogger } from 'nestjs-pino';
import type { AppConfig } from '../config/app-config.js';
import { LoggingModule } from './logging.module.js';

@Controller()
class PingController {
  /** true when the request runs with a logger bound in AsyncLocalStorage (nestjs-pino's middleware does that) */
  @Get('ping')
  ping() {
    try {
      new PinoLogger({}).assign({ probe: true });
      return { bound: true };
    } catch {
      return { bound: false };
    }
  }
}

describe('LoggingModule', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    const config = { log: { level: 'silent' }, tracing: { enabled: false } } as unknown as AppConfig;
    @Module({ imports: [LoggingModule.forRoot(config)], controllers: [PingController] })
    class PingModule {}
    const moduleRef = await Test.createTestingModule({ imports: [PingModule] }).compile();
    app = moduleRef.createNestApplication({ bufferLogs: true });
    app.useLogger(app.get(Logger));
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => app.close());

  // On Node 20 one AsyncLocalStorage.run turns on promise hooks for the whole process: every Kafka event would pay.
  it('logs requests with their request id without binding a logger in AsyncLocalStorage', async () => {
    const res = await fetch(`${url}/ping`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ bound: false });
    // the request id comes from the request log middleware (pino-http's genReqId)
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
  });
});
