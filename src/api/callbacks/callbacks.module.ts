import { Module } from '@nestjs/common';
import { CallbackDeliveryService } from './callback-delivery.service.js';

/** Delivery of asynchronous assessments to callback URLs, signed, behind the callback URL policy. */
@Module({ providers: [CallbackDeliveryService], exports: [CallbackDeliveryService] })
export class CallbacksModule {}
