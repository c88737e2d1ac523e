import { Module } from '@nestjs/common';
import { DecisionsModule } from '../decisions/decisions.module.js';
import { DeadLetterPublisher } from './dead-letter-publisher.js';
import { DecisionPublisher } from './decision-publisher.js';
import { EventConsumerService } from './event-consumer.service.js';
import { EventPipeline } from './event-pipeline.js';

@Module({
  imports: [DecisionsModule],
  providers: [EventPipeline, DecisionPublisher, DeadLetterPublisher, EventConsumerService],
  exports: [EventConsumerService],
})
export class EventsModule {}
