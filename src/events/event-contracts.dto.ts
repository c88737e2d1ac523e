import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsDefined,
  IsIn,
  IsIP,
  IsISO4217CurrencyCode,
  IsOptional,
  IsRFC3339,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateBy,
  ValidateNested,
  ValidationOptions,
} from 'class-validator';

export const E164 = /^\+[1-9]\d{6,14}$/;
const EVENT_ID = /^[A-Za-z0-9._:-]+$/;
const DECIMAL = /^\d{1,15}(\.\d{1,6})?$/;

/** `amount.value` may be a decimal string ("1250.00") or a non-negative finite JSON number. */
function IsNonNegativeDecimal(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isNonNegativeDecimal',
      validator: {
        validate: (v: unknown) =>
          (typeof v === 'string' && DECIMAL.test(v)) || (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v < 1e15),
        defaultMessage: () => 'must be a non-negative decimal string (e.g. "1250.00") or number',
      },
    },
    options,
  );
}

export class AmountDto {
  @IsDefined() @IsNonNegativeDecimal() value!: string | number;
  // class-validator's ISO 4217 check ignores case; the codes are upper-case, and so is our contract.
  @IsDefined()
  @IsString()
  @Matches(/^[A-Z]{3}$/, { message: 'must be an ISO 4217 currency code (e.g. EUR)' })
  @IsISO4217CurrencyCode({ message: 'must be an ISO 4217 currency code (e.g. EUR)' })
  currency!: string;
}

abstract class RiskEventDto {
  @IsDefined() @IsString() @MinLength(1) @MaxLength(128) @Matches(EVENT_ID, { message: 'may contain only letters, digits and . _ : -' })
  eventId!: string;
  @IsDefined() @IsIn(['login', 'transaction']) type!: string;
  @IsDefined() @IsString() @IsRFC3339({ message: 'must be an RFC 3339 date-time (e.g. 2026-11-21T10:15:00Z)' }) occurredAt!: string;
  @IsDefined() @IsString() @MinLength(1) @MaxLength(128) accountId!: string;
  @IsDefined() @IsString() @Matches(E164, { message: 'must be an E.164 number: + then 7-15 digits' }) phoneNumber!: string;
}

export class LoginEventDto extends RiskEventDto {
  @IsOptional() @IsIn(['web', 'mobile', 'api', 'branch', 'call_center']) channel?: string;
  @IsOptional() @IsString() @IsIP() ipAddress?: string;
  @IsOptional() @IsString() @MinLength(1) @MaxLength(256) deviceId?: string;
  @IsOptional() @IsIn(['sms', 'voice', 'app', 'none']) otpChannel?: string;
}

export class TransactionEventDto extends RiskEventDto {
  @IsDefined() @ValidateNested() @Type(() => AmountDto) amount!: AmountDto;
  @IsOptional() @IsIn(['payment', 'transfer', 'withdrawal', 'card']) transactionType?: string;
  @IsOptional() @IsString() @MinLength(1) @MaxLength(128) beneficiaryId?: string;
  @IsOptional() @IsBoolean() beneficiaryIsNew?: boolean;
}
