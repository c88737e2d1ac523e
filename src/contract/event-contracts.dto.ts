import { Type } from 'class-transformer';
import { isRfc3339DateTime } from '../common/rfc3339.js';
import { E164 } from '../domain/phone-number.js';
import { EVENT_TYPES, LOGIN_CHANNELS, OTP_CHANNELS, TRANSACTION_TYPES } from '../domain/risk-event.js';
import {
  IsBoolean,
  IsDefined,
  IsIn,
  IsIP,
  IsISO4217CurrencyCode,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateBy,
  ValidateNested,
  ValidationOptions,
} from 'class-validator';

const EVENT_ID = /^[A-Za-z0-9._:-]+$/;
/** No leading zeros ("007"), at most 15 integer and 6 fractional digits: fits a double exactly enough and a NUMERIC(21,6). */
const DECIMAL = /^(?:0|[1-9]\d{0,14})(?:\.\d{1,6})?$/;
/**
 * Opaque ids may be any script, but not control characters (log injection: a newline starts a fake log line),
 * invisible format characters (bidi overrides make `acc-1` and `1-cca` look alike) or lone UTF-16 surrogates
 * (they become U+FFFD on the way to Kafka, so the key would silently change).
 */
const PRINTABLE_ID = /^[^\p{Cc}\p{Cf}\p{Cs}]+$/u;
const PRINTABLE_ID_MESSAGE = 'must not contain control, invisible formatting or unpaired surrogate characters';

/**
 * `amount.value` may be a decimal string ("1250.00") or a non-negative finite JSON number that reads as one
 * (so 1e-7, which would become "1e-7", and 1.1234567 are refused like their string forms).
 */
function IsNonNegativeDecimal(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isNonNegativeDecimal',
      validator: {
        validate: (v: unknown) =>
          (typeof v === 'string' && DECIMAL.test(v)) || (typeof v === 'number' && Number.isFinite(v) && v >= 0 && DECIMAL.test(String(v))),
        defaultMessage: () =>
          'must be a non-negative decimal with at most 15 integer and 6 fractional digits, as a string (e.g. "1250.00") or number',
      },
    },
    options,
  );
}

/** A date-time that exists: see parseRfc3339DateTime. Named `isRFC3339` (class-validator's own) so it keeps its field code. */
function IsStrictDateTime(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isRFC3339',
      validator: {
        validate: (v: unknown) => isRfc3339DateTime(v),
        defaultMessage: () => 'must be an existing RFC 3339 date-time with seconds and a zone, Z or ±hh:mm (e.g. 2026-11-21T10:15:00Z)',
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
  @IsDefined()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  @Matches(EVENT_ID, { message: 'may contain only letters, digits and . _ : -' })
  eventId!: string;
  @IsDefined() @IsIn([...EVENT_TYPES]) type!: string;
  @IsDefined() @IsString() @IsStrictDateTime() occurredAt!: string;
  @IsDefined() @IsString() @MinLength(1) @MaxLength(128) @Matches(PRINTABLE_ID, { message: PRINTABLE_ID_MESSAGE }) accountId!: string;
  @IsDefined() @IsString() @Matches(E164, { message: 'must be an E.164 number: + then 7-15 digits' }) phoneNumber!: string;
}

export class LoginEventDto extends RiskEventDto {
  @IsOptional() @IsIn([...LOGIN_CHANNELS]) channel?: string;
  // validator's isIP takes a zone id (fe80::1%eth0): free text, meaningless for a client address, and refused by the schema
  @IsOptional() @IsString() @IsIP() @Matches(/^[^%]*$/, { message: 'must not carry a zone id' }) ipAddress?: string;
  @IsOptional() @IsString() @MinLength(1) @MaxLength(256) @Matches(PRINTABLE_ID, { message: PRINTABLE_ID_MESSAGE }) deviceId?: string;
  @IsOptional() @IsIn([...OTP_CHANNELS]) otpChannel?: string;
}

export class TransactionEventDto extends RiskEventDto {
  // IsObject: ValidateNested alone accepts an array (it validates each of its zero elements), so `amount: []` passed.
  @IsDefined() @IsObject({ message: 'must be an object {value, currency}' }) @ValidateNested() @Type(() => AmountDto) amount!: AmountDto;
  @IsOptional() @IsIn([...TRANSACTION_TYPES]) transactionType?: string;
  @IsOptional() @IsString() @MinLength(1) @MaxLength(128) @Matches(PRINTABLE_ID, { message: PRINTABLE_ID_MESSAGE }) beneficiaryId?: string;
  @IsOptional() @IsBoolean() beneficiaryIsNew?: boolean;
}
