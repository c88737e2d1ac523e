import type { IncomingMessage, ServerResponse } from 'node:http';
import { jsonNestingExceeds } from '../../contract/json-depth.js';
import { ApiError } from '../errors/api-error.js';

type ParsedRequest = IncomingMessage & { body?: unknown; _body?: boolean };

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * Reads JSON bodies with the event size limit (MAX_PAYLOAD_BYTES, the same bound as on Kafka): 413 as soon as
 * the declared or received size passes it, 400 VALIDATION_ERROR for malformed JSON or nesting deeper than
 * maxDepth (KAFKA_MAX_JSON_DEPTH, the same bound as on Kafka: parsing and validation recurse once per level).
 * Other content types are left unread. Skips requests an earlier parser already read (`_body`, the body-parser
 * convention).
 */
export function jsonBodyMiddleware(limitBytes: number, maxDepth: number) {
  return (req: ParsedRequest, _res: ServerResponse, next: (err?: unknown) => void): void => {
    if (req._body || !JSON_TYPE.test(req.headers['content-type'] ?? '')) return next();
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limitBytes) {
      req.resume();
      return next(tooLarge());
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limitBytes) {
        failed = true;
        next(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', (err) => {
      if (!failed) next(err);
      failed = true;
    });
    req.on('end', () => {
      if (failed) return;
      const text = Buffer.concat(chunks).toString('utf8');
      req._body = true;
      if (text.trim() === '') {
        req.body = undefined;
        return next();
      }
      if (jsonNestingExceeds(text, maxDepth)) {
        const message = `body nests arrays or objects deeper than ${maxDepth} levels`;
        return next(ApiError.validation([{ field: '', code: 'PARAMETER_INVALID', message }], `Request ${message}`));
      }
      try {
        req.body = JSON.parse(text);
      } catch {
        return next(
          ApiError.validation(
            [{ field: '', code: 'PARAMETER_INVALID', message: 'body is not valid JSON' }],
            'Request body is not valid JSON',
          ),
        );
      }
      next();
    });
  };
}

function tooLarge(): ApiError {
  return new ApiError('PAYLOAD_TOO_LARGE', 'Request body is too large');
}
