import { Inject, Module, RequestMethod, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { pino, type Logger as PinoInstance } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';
import type { AppConfig } from '../config/app-config.js';
import { PINO_PRIVACY_OPTIONS, maskPhoneNumbersInText } from '../common/log-redaction.js';
import { requestIdOf } from '../common/request-id.js';
import { activeTraceIds } from '../tracing/otel-tracing.js';

/** trace_id and span_id of the active span on every line (the names OpenTelemetry's log conventions use). */
function traceIdsMixin(): object {
  const ids = activeTraceIds();
  return ids === undefined ? {} : { trace_id: ids.traceId, span_id: ids.spanId };
}

const REQUEST_LOGGING = Symbol('REQUEST_LOGGING');

/** The process's one pino logger: Nest's Logger (through nestjs-pino) and the request log both write through it. */
export function rootLogger(config: AppConfig): PinoInstance {
  return pino({
    level: config.log.level,
    // phone numbers masked wherever they appear (fields at any depth, strings, errors), secrets removed
    ...PINO_PRIVACY_OPTIONS,
    base: { service: 'riskwire' },
    // only while tracing is on: otherwise a log line costs what it always did
    ...(config.tracing.enabled ? { mixin: traceIdsMixin } : {}),
  });
}

/** One line per request that went wrong (and, at debug, per request), with the id the API returns in X-Request-Id. */
export function requestLogging(logger: PinoInstance): HttpLogger {
  return pinoHttp({
    logger,
    // the same id the API puts in X-Request-Id and in error bodies
    genReqId: (req, res) => requestIdOf(req, res),
    // one line per request is the API's job (metrics count them); keep logs for what went wrong
    autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') || req.url === '/metrics' },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'debug'),
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: maskPhoneNumbersInText(req.url) }),
    },
  });
}

/**
 * Logging without AsyncLocalStorage. nestjs-pino's request middleware binds a per-request logger with
 * AsyncLocalStorage, and on Node 20 one bound request turns on promise hooks for the whole process for good: every
 * promise of every Kafka event then paid for them (a fifth of the CPU of an upstream call, docs/benchmark.md).
 * So nestjs-pino only adapts Nest's Logger to pino here (routes: none), and the request log is plain pino-http;
 * code that logs about a request names its request id itself (the API's error filter does).
 */
@Module({})
export class LoggingModule implements NestModule {
  static forRoot(config: AppConfig): DynamicModule {
    const logger = rootLogger(config);
    return {
      module: LoggingModule,
      imports: [LoggerModule.forRoot({ pinoHttp: { logger }, forRoutes: [] })],
      providers: [{ provide: REQUEST_LOGGING, useValue: requestLogging(logger) }],
    };
  }

  constructor(@Inject(REQUEST_LOGGING) private readonly requestLog: HttpLogger) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(this.requestLog).forRoutes({ path: '{/*splat}', method: RequestMethod.ALL });
  }
}
