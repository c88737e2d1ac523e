// The building blocks every part of the policy validates its fields with (the policy itself and each rule's
// settings), so the messages stay short and path-oriented ("thresholds.deny: must be <= 100").
import { Type } from 'class-transformer';
import { OTP_CHANNELS, type OtpChannel } from '../domain/risk-event.js';
import { ArrayUnique, IsArray, IsDefined, IsIn, IsInt, IsObject, IsString, Matches, Max, Min, ValidateNested } from 'class-validator';

/** The OTP channels a policy may steer away from ('none' is not a channel one can avoid). */
export type PolicyOtpChannel = Exclude<OtpChannel, 'none'>;
export const POLICY_OTP_CHANNELS: readonly PolicyOtpChannel[] = OTP_CHANNELS.filter((c): c is PolicyOtpChannel => c !== 'none');
export const ONE_YEAR_MINUTES = 525_600;
const UPPER_SNAKE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;

/** One invalid place in a policy: its path in the file ('signals.simSwap.bands[1].points') and what is wrong. */
export interface PolicyProblem {
  path: string;
  message: string;
}

export type FieldDecorator = (target: object, key: string) => void;
export const all =
  (...decorators: FieldDecorator[]): FieldDecorator =>
  (target, key) => {
    for (const d of decorators) d(target, key);
  };
export const Integer = (min: number, max: number): FieldDecorator =>
  all(IsInt({ message: 'must be an integer' }), Min(min, { message: `must be >= ${min}` }), Max(max, { message: `must be <= ${max}` }));
export const Points = () => Integer(0, 100);
export const Code = () => all(IsString({ message: 'must be a string' }), Matches(UPPER_SNAKE, { message: 'must be an UPPER_SNAKE code' }));
export const Nested = (cls: () => new () => object): FieldDecorator =>
  all(
    IsDefined({ message: 'is required' }),
    IsObject({ message: 'must be an object' }),
    ValidateNested() as FieldDecorator,
    Type(cls) as FieldDecorator,
  );
export const OtpChannels = () =>
  all(
    IsArray({ message: 'must be an array' }),
    IsIn(POLICY_OTP_CHANNELS as PolicyOtpChannel[], { each: true, message: `entries must be one of ${POLICY_OTP_CHANNELS.join(', ')}` }),
    ArrayUnique({ message: 'entries must be unique' }),
  );
