import { Module } from '@nestjs/common';
import { DecisionsModule } from '../decisions/decisions.module.js';
import { LabelsService } from './labels.service.js';

/** Fraud labels: published to risk.labels.v1 for the backtest, counted by the labelled decision's outcome. */
@Module({
  imports: [DecisionsModule],
  providers: [LabelsService],
  exports: [LabelsService],
})
export class LabelsModule {}
