// Express's request and response (platform-express serves the HTTP API), under the names the API code uses.
export type { Request as HttpRequest, Response as HttpResponse } from 'express';
