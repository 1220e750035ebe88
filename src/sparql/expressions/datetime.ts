/**
 * xsd:dateTime and xsd:date values: parsing with calendar validity (leap years in the
 * proleptic Gregorian calendar, negative years), exact fractional seconds, XML Schema's
 * comparison with the 14-hour rule, and the SPARQL 1.1 accessor functions (section 17.4.5).
 */
import { ExpressionError } from '../../errors.js';
import { XSD, XSD_STRING } from '../../rdf/terms.js';
import {
  compareNumeric,
  decimalNumeric,
  formatNumeric,
  integerNumeric,
  toDouble,
  XSD_DECIMAL,
  XSD_INTEGER,
  type NumericValue,
} from './numeric.js';
import { literalValue, type Value } from './values.js';

const XSD_DATETIME = `${XSD}dateTime`;
const XSD_DATE = `${XSD}date`;
const XSD_DAY_TIME_DURATION = `${XSD}dayTimeDuration`;

/** A valid xsd:dateTime or xsd:date, split into its fields. */
export interface DateTimeValue {
  readonly datatype: string;
  readonly year: bigint;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  /** Seconds with every fractional digit of the lexical form, as an xsd:decimal. */
  readonly second: NumericValue;
  /** Offset from UTC in minutes, or undefined when the value has no timezone. */
  readonly timezoneMinutes: number | undefined;
  /** The timezone as written ('Z', '+05:30'), '' when none. */
  readonly timezoneText: string;
  readonly hasTimezone: boolean;
  /** Exact seconds since 1970-01-01T00:00:00Z; a value without timezone is read as UTC. */
  readonly instant: NumericValue;
  /** `instant` in milliseconds as a double, which loses digits beyond the millisecond. */
  readonly epochMs: number;
}

// XML Schema 1.1 years: at least four digits, no leading zero beyond four, optional minus.
const YEAR = '(-?(?:[1-9]\\d{3,}|0\\d{3}))';
const ZONE = '(Z|[+-]\\d\\d:\\d\\d)?';
const DATE_TIME = new RegExp(
  `^${YEAR}-(\\d\\d)-(\\d\\d)T(\\d\\d):(\\d\\d):(\\d\\d)(?:\\.(\\d+))?${ZONE}$`,
);
const DATE = new RegExp(`^${YEAR}-(\\d\\d)-(\\d\\d)${ZONE}$`);

/** True for leap years of the proleptic Gregorian calendar (year 0 is 1 BCE and is leap). */
export function isLeapYear(year: bigint): boolean {
  return year % 4n === 0n && (year % 100n !== 0n || year % 400n === 0n);
}

function daysInMonth(year: bigint, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function floorDivide(n: bigint, d: bigint): bigint {
  const q = n / d;
  return n % d < 0n ? q - 1n : q;
}

/** Days from 1970-01-01 to the given civil date (Howard Hinnant's days_from_civil). */
function daysFromCivil(year: bigint, month: number, day: number): bigint {
  const y = month <= 2 ? year - 1n : year;
  const era = floorDivide(y, 400n);
  const yearOfEra = y - era * 400n;
  const monthFromMarch = BigInt((month + 9) % 12);
  const dayOfYear = (153n * monthFromMarch + 2n) / 5n + BigInt(day - 1);
  const dayOfEra = yearOfEra * 365n + yearOfEra / 4n - yearOfEra / 100n + dayOfYear;
  return era * 146_097n + dayOfEra - 719_468n;
}

function parseTimezone(zone: string | undefined): number | undefined | null {
  if (zone === undefined) return undefined;
  if (zone === 'Z') return 0;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(4, 6));
  if (minutes > 59 || hours > 14 || (hours === 14 && minutes !== 0)) return null;
  return (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

/** Parses the lexical form of an xsd:dateTime or xsd:date; returns null when it is invalid. */
export function parseDateTime(lexical: string, datatype: string): DateTimeValue | null {
  const match = (datatype === XSD_DATETIME ? DATE_TIME : DATE).exec(lexical.trim());
  if (match === null) return null;
  const isDate = datatype === XSD_DATE;
  const year = BigInt(match[1]!);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const hour = isDate ? 0 : Number(match[4]);
  const minute = isDate ? 0 : Number(match[5]);
  const wholeSeconds = isDate ? 0 : Number(match[6]);
  const fraction = isDate ? '' : (match[7] ?? '');
  const zone = isDate ? match[4] : match[8];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (minute > 59 || wholeSeconds > 59) return null;
  const second = decimalNumeric(BigInt(`${wholeSeconds}${fraction}`), fraction.length);
  if (hour > 24 || (hour === 24 && (minute !== 0 || second.unscaled !== 0n))) return null;
  const timezoneMinutes = parseTimezone(zone);
  if (timezoneMinutes === null) return null;

  const days = daysFromCivil(year, month, day);
  const offset = BigInt(timezoneMinutes ?? 0) * 60n;
  const whole = days * 86_400n + BigInt(hour * 3600 + minute * 60) - offset;
  const scale = fraction.length;
  const instant = decimalNumeric(
    whole * 10n ** BigInt(scale) + second.unscaled * 10n ** BigInt(scale - second.scale),
    scale,
  );
  return {
    datatype,
    year,
    month,
    day,
    hour,
    minute,
    second,
    timezoneMinutes,
    timezoneText: zone ?? '',
    hasTimezone: zone !== undefined,
    instant,
    epochMs: toDouble(instant) * 1000,
  };
}

/** Returns the fields of a valid xsd:dateTime or xsd:date literal, or null. */
export function dateTimeOf(v: Value): DateTimeValue | null {
  if (v.kind !== 'Literal') return null;
  if (v.datatype !== XSD_DATETIME && v.datatype !== XSD_DATE) return null;
  return parseDateTime(v.value, v.datatype);
}

/** Fourteen hours in seconds, the widest timezone offset XML Schema allows. */
const MAX_ZONE = decimalNumeric(14n * 3600n, 0);

/**
 * Compares two dateTimes as XML Schema does: -1, 0 or 1. Throws ExpressionError for a date
 * against a dateTime, and when one value has a timezone, the other has none, and their
 * instants lie within 14 hours of each other, because the order then depends on the
 * unknown timezone.
 */
export function compareDateTimes(a: DateTimeValue, b: DateTimeValue): number {
  if (a.datatype !== b.datatype)
    throw new ExpressionError('Cannot compare xsd:date with xsd:dateTime');
  const order = compareNumeric(a.instant, b.instant);
  if (a.hasTimezone !== b.hasTimezone) {
    const gap = order < 0 ? subtract(b.instant, a.instant) : subtract(a.instant, b.instant);
    if (compareNumeric(gap, MAX_ZONE) <= 0) {
      throw new ExpressionError('Indeterminate comparison of dateTimes with and without timezone');
    }
  }
  return order;
}

function subtract(a: NumericValue, b: NumericValue): NumericValue {
  const scale = Math.max(a.scale, b.scale);
  const x = a.unscaled * 10n ** BigInt(scale - a.scale);
  const y = b.unscaled * 10n ** BigInt(scale - b.scale);
  return decimalNumeric(x - y, scale);
}

function requireDateTime(v: Value, fn: string): DateTimeValue {
  const parsed = v.kind === 'Literal' && v.datatype === XSD_DATETIME ? dateTimeOf(v) : null;
  if (parsed === null) throw new ExpressionError(`${fn} expects an xsd:dateTime, got ${v.key}`);
  return parsed;
}

function integerResult(n: bigint | number): Value {
  return literalValue(formatNumeric(integerNumeric(BigInt(n))), XSD_INTEGER);
}

/** The accessor functions YEAR ... TZ, by the lower-case names sparqljs gives them. */
export type DateTimeAccessor =
  'year' | 'month' | 'day' | 'hours' | 'minutes' | 'seconds' | 'timezone' | 'tz';

/**
 * Applies YEAR, MONTH, DAY, HOURS, MINUTES, SECONDS, TIMEZONE or TZ to an xsd:dateTime.
 * The fields are returned as written, so "T24:00:00" gives HOURS 24.
 */
export function dateTimeAccessor(fn: DateTimeAccessor, v: Value): Value {
  const parsed = requireDateTime(v, fn.toUpperCase());
  switch (fn) {
    case 'year':
      return integerResult(parsed.year);
    case 'month':
      return integerResult(parsed.month);
    case 'day':
      return integerResult(parsed.day);
    case 'hours':
      return integerResult(parsed.hour);
    case 'minutes':
      return integerResult(parsed.minute);
    case 'seconds':
      return literalValue(formatNumeric(parsed.second), XSD_DECIMAL);
    case 'timezone':
      if (parsed.timezoneMinutes === undefined)
        throw new ExpressionError(`TIMEZONE of ${v.key}, which has no timezone`);
      return literalValue(formatDayTimeDuration(parsed.timezoneMinutes), XSD_DAY_TIME_DURATION);
    case 'tz':
      return literalValue(parsed.timezoneText, XSD_STRING);
  }
}

/** Formats minutes as a canonical xsd:dayTimeDuration such as "-PT8H", "PT5H30M" or "PT0S". */
export function formatDayTimeDuration(totalMinutes: number): string {
  if (totalMinutes === 0) return 'PT0S';
  const magnitude = Math.abs(totalMinutes);
  const hours = Math.floor(magnitude / 60);
  const minutes = magnitude % 60;
  const sign = totalMinutes < 0 ? '-' : '';
  return `${sign}PT${hours > 0 ? `${hours}H` : ''}${minutes > 0 ? `${minutes}M` : ''}`;
}

/** Returns the current time as an xsd:dateTime in UTC with millisecond precision. */
export function currentDateTime(): Value {
  return literalValue(new Date().toISOString(), XSD_DATETIME);
}
