import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ErrorSchema, FieldErrorSchema } from './assessments.dto.js';

export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('riskwire API')
    .setDescription(
      'Fraud risk decisions for login and transaction events, from telco network signals (SIM swap, device swap, call forwarding). ' +
        'Every error has the body {status, code, message, details[{field, code, message}], requestId}; every response carries X-Request-Id. ' +
        'gRPC: riskwire.v1.RiskService (proto/riskwire/v1/risk.proto). See docs/api.md.',
    )
    .setVersion('1')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      description:
        'API key (API_KEYS id:secret:scopes); scopes: assess (POST assessments), read (GET assessments), admin (policy administration)',
    })
    .build();
  return SwaggerModule.createDocument(app, config, { extraModels: [ErrorSchema, FieldErrorSchema] });
}

/** Serves the OpenAPI document at /openapi.json and the browsable page at /docs. */
export function setupOpenApi(app: INestApplication): OpenAPIObject {
  const document = createOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json', raw: ['json'] });
  return document;
}
