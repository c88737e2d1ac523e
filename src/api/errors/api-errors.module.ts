import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ApiExceptionFilter } from './api-exception.filter.js';

/**
 * The HTTP translation of the error catalogue, installed app-wide as the one global exception filter
 * (APP_FILTER). gRPC translates the same catalogue itself (grpc-error.ts: functions, no providers).
 */
@Module({ providers: [{ provide: APP_FILTER, useClass: ApiExceptionFilter }] })
export class ApiErrorsModule {}
