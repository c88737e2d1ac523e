import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { AppConfig } from '../config/app-config.js';
import { REDACTED_LOG_PATHS, maskPhoneNumbersInText } from './log-redaction.js';
import { redactRedisUrlsIn } from './redis-url.js';
import { requestIdOf } from './request-id.js';

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
            redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
            serializers: { req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }) },
            hooks: {
              logMethod(args, method) {
                method.apply(this, args.map((a) => (typeof a === 'string' ? redactRedisUrlsIn(maskPhoneNumbersInText(a)) : a)) as Parameters<typeof method>);
              },
            },
            base: { service: 'riskwire' },
          },
        }),
      ],
    };
  }
}
