import type { Tracing } from '../../tracing/tracing.js';
import type { HttpRequest as Request, HttpResponse as Response } from './http-types.js';
import { routeTemplate } from './http-metrics.middleware.js';

/**
 * A server span per HTTP request, parented on the caller's W3C traceparent, active for everything the request
 * does (the assessment's upstream calls are its children) and ended when the response is sent. Installed only
 * while tracing is on. Named by route template, never the raw URL (decision ids are in it).
 */
export function httpTracingMiddleware(tracing: Tracing) {
  return (req: Request, res: Response, next: () => void): void => {
    // probes and scrapes every few seconds would bury the traces worth reading (the request log skips them too)
    if (isProbeOrScrape(req.originalUrl ?? req.url ?? '')) return next();
    const span = tracing.startSpan(`${req.method}`, {
      kind: 'server',
      parent: req.headers,
      attributes: { 'http.request.method': req.method, 'url.scheme': 'http' },
    });
    res.once('finish', () => {
      const route = routeTemplate(req);
      span.updateName(`${req.method} ${route}`);
      span.setAttributes({ 'http.route': route, 'http.response.status_code': res.statusCode });
      if (res.statusCode >= 500) span.fail(`HTTP ${res.statusCode}`);
      span.end();
    });
    res.once('close', () => span.end()); // a client that went away: end it anyway (a second end is ignored)
    span.bind(req); // the body is read in 'data' and 'end' listeners, and the handler runs from the last one
    span.run(next);
  };
}

function isProbeOrScrape(url: string): boolean {
  return url.startsWith('/health') || url === '/metrics' || url.startsWith('/metrics?');
}
