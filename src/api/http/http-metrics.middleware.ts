import type { HttpRequest as Request, HttpResponse as Response } from './http-types.js';
import type { RiskwireMetrics } from '../../metrics/riskwire-metrics.js';

/** Routes known before Express matched them (a body-parser 413 happens first), so they keep their template. */
const KNOWN_ROUTES: [RegExp, string][] = [
  [/^\/v1\/assessments\/?$/, '/v1/assessments'],
  [/^\/v1\/assessments\/[^/]+\/?$/, '/v1/assessments/:decisionId'],
];

/** The route template, never the raw URL: ids in label values would make the series unbounded. */
export function routeTemplate(req: Request): string {
  const matched = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof matched === 'string') return (req.baseUrl ?? '') + matched;
  const path = (req.originalUrl ?? req.url).split('?')[0] ?? '';
  return KNOWN_ROUTES.find(([pattern]) => pattern.test(path))?.[1] ?? 'unmatched';
}

/**
 * Counts and times every HTTP response, including those ended by guards, filters or the body parser
 * (an interceptor would miss those). Register it early, with app.use.
 */
export function httpMetricsMiddleware(metrics: RiskwireMetrics) {
  return (req: Request, res: Response, next: () => void): void => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const labels = { method: req.method, route: routeTemplate(req), status: String(res.statusCode) };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
}
