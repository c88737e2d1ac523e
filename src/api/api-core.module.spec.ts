import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApiApp, type ApiTestApp } from '../../test/api/api-test-kit.js';
import { AssessmentsService } from './assessments.service.js';
import { ApiAuthenticator } from './auth/api-authenticator.js';
import { CallbackDeliveryService } from './callbacks/callback-delivery.service.js';
import { RiskGrpcController } from './grpc/risk-grpc.controller.js';
import { AssessmentsController } from './http/assessments.controller.js';

// ApiCoreModule only wires the concern modules: HTTP and gRPC must still share one of each use-case service.
describe('ApiCoreModule wiring', () => {
  let api: ApiTestApp;
  beforeAll(async () => {
    api = await startApiApp();
  });
  afterAll(() => api.close());

  it('gives the HTTP and the gRPC controller the same AssessmentsService and ApiAuthenticator', () => {
    const http = api.app.get(AssessmentsController) as unknown as { assessments: AssessmentsService };
    const grpc = api.app.get(RiskGrpcController) as unknown as { assessments: AssessmentsService; auth: ApiAuthenticator };
    expect(http.assessments).toBeInstanceOf(AssessmentsService);
    expect(grpc.assessments).toBe(http.assessments);
    expect(grpc.auth).toBe(api.app.get(ApiAuthenticator));
    expect(api.app.get(AssessmentsService)).toBe(http.assessments);
    expect(api.app.get(CallbackDeliveryService)).toBeInstanceOf(CallbackDeliveryService);
  });

  it('installs the HTTP error translation as the one global filter', async () => {
    // Nest's own filter would answer {statusCode, message}: the catalogue's body proves ApiExceptionFilter is in place.
    const res = await fetch(`${api.baseUrl}/v1/assessments/dec_unknown`);
    expect(res.status).toBe(401);
    const body = (await res.json()) as { status: number; code: string; requestId: string };
    expect(body).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    expect(body.requestId).toEqual(res.headers.get('x-request-id'));
  });
});
