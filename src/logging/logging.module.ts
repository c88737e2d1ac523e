import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { AppConfig } from '../config/app-config.js';
import { PINO_PRIVACY_OPTIONS, maskPhoneNumbersInText } from '../common/log-redaction.js';
import { requestIdOf } from '../common/request-id.js';
import { activeTraceIds } from '../tracing/otel-tracing.js';

/** trace_id and span_id of the active span on every line (the names OpenTelemetry's log conventions use). */
function traceIdsMixin(): object {
  const ids = activeTraceIds();
  return ids === undefined ? {} : { trace_id: ids.traceId, span_id: ids.spanId };
}

@Module({})
export class LoggingModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.log.level,
            // the same id the API puts in X-Request-Id and in error bodies
            genReqId: (req, res) => requestIdOf(req, res),
            // one line per request is the API's job (metrics count them); keep logs for what went wrong
            autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') || req.url === '/metrics' },
            customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'debug'),
            // phone numbers masked wherever they appear (fields at any depth, strings, errors), secrets removed
            ...PINO_PRIVACY_OPTIONS,
            serializers: {
              req: (req: { id: string; method: string; url: string }) => ({
                id: req.id,
                method: req.method,
                url: maskPhoneNumbersInText(req.url),
              }),
            },
            base: { service: 'riskwire' },
            // only while tracing is on: otherwise a log line costs what it always did
            ...(config.tracing.enabled ? { mixin: traceIdsMixin } : {}),
          },
        }),
      ],
    };
  }
}
