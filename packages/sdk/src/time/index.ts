/**
 * Timestamp and age helpers for container data objects. Plain functions taking the data object;
 * sdk-core exposes them as getters (`session.localTimestamp`, `session.ageYears`, …).
 */
import { temporalApi, type TemporalTypes, type ZonedDateTime } from './temporal.js';

export {
  installTemporal,
  type TemporalApi,
  type TemporalTypes,
  type ZonedDateTime,
} from './temporal.js';

/** A timestamp as found on data objects: a Date, an ISO-8601 string, epoch ms, or a Temporal value. */
export type TimestampValue = Date | string | number | TemporalTypes.Instant | ZonedDateTime;

export interface HasCreatedModified {
  created?: TimestampValue | null | undefined;
  modified?: TimestampValue | null | undefined;
}
export interface HasReplaced {
  replaced?: TimestampValue | null | undefined;
}
export interface HasTimestamp {
  timestamp?: TimestampValue | null | undefined;
  timezone?: string | null | undefined;
}
export interface HasAge {
  age?: number | null | undefined;
}

export interface ZoneOptions {
  /** IANA zone to use instead of the system zone (mainly for tests). */
  timeZone?: string | undefined;
}

/** The system (local) IANA time zone. */
export function systemTimeZone(): string {
  return temporalApi().Now.timeZoneId();
}

function toInstant(value: TimestampValue, field: string): TemporalTypes.Instant {
  const Temporal = temporalApi();
  if (value instanceof Temporal.Instant) return value;
  if (value instanceof Temporal.ZonedDateTime) return value.toInstant();
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new RangeError(`Invalid date in field "${field}"`);
    return Temporal.Instant.fromEpochMilliseconds(ms);
  }
  if (typeof value === 'number') return Temporal.Instant.fromEpochMilliseconds(value);
  if (typeof value === 'string') {
    try {
      return Temporal.Instant.from(value);
    } catch {
      const ms = Date.parse(value);
      if (Number.isNaN(ms)) {
        throw new RangeError(`Field "${field}" is not a valid timestamp: ${JSON.stringify(value)}`);
      }
      return Temporal.Instant.fromEpochMilliseconds(ms);
    }
  }
  throw new TypeError(`Field "${field}" is not a timestamp`);
}

/** Convert a timestamp to a ZonedDateTime in `timeZone` (an IANA name). */
export function toZonedDateTime(
  value: TimestampValue,
  timeZone: string,
  field = 'value',
): ZonedDateTime {
  const instant = toInstant(value, field);
  try {
    return instant.toZonedDateTimeISO(timeZone);
  } catch (err) {
    throw new RangeError(`Unknown time zone ${JSON.stringify(timeZone)}`, { cause: err });
  }
}

/** Convert a timestamp to a plain `Date` (the same instant). */
export function toDate(value: TimestampValue): Date {
  return new Date(toInstant(value, 'value').epochMilliseconds);
}

function local(
  value: TimestampValue | null | undefined,
  field: string,
  options: ZoneOptions | undefined,
): ZonedDateTime | null {
  if (value === null || value === undefined || value === '') return null;
  return toZonedDateTime(value, options?.timeZone ?? systemTimeZone(), field);
}

/** `created` in the system time zone; null when unset. */
export function localCreated(obj: HasCreatedModified, options?: ZoneOptions): ZonedDateTime | null {
  return local(obj.created, 'created', options);
}

/** `modified` in the system time zone; null when unset. */
export function localModified(
  obj: HasCreatedModified,
  options?: ZoneOptions,
): ZonedDateTime | null {
  return local(obj.modified, 'modified', options);
}

/** `replaced` (files) in the system time zone; null when unset. */
export function localReplaced(obj: HasReplaced, options?: ZoneOptions): ZonedDateTime | null {
  return local(obj.replaced, 'replaced', options);
}

/** `timestamp` (sessions, acquisitions) in the system time zone; null when unset. */
export function localTimestamp(obj: HasTimestamp, options?: ZoneOptions): ZonedDateTime | null {
  return local(obj.timestamp, 'timestamp', options);
}

/**
 * `timestamp` in the zone named by the object's `timezone` field (where it was acquired).
 * Null when there is no timestamp; throws when there is a timestamp but no `timezone`.
 */
export function originalTimestamp(obj: HasTimestamp): ZonedDateTime | null {
  const value = obj.timestamp;
  if (value === null || value === undefined || value === '') return null;
  const zone = obj.timezone;
  if (!zone) {
    throw new Error(
      'Cannot compute originalTimestamp: the object has no original time zone (its "timezone" field is empty)',
    );
  }
  return toZonedDateTime(value, zone, 'timestamp');
}

export const SECONDS_PER_YEAR = 31_557_600; // 365.25 days
export const SECONDS_PER_MONTH = 2_592_000; // 30 days
export const SECONDS_PER_WEEK = 604_800;
export const SECONDS_PER_DAY = 86_400;

type Nullish = null | undefined;

function divide<T extends number | Nullish>(seconds: T, per: number): T | number {
  // null/undefined/0 come back as they are.
  if (seconds === null || seconds === undefined || seconds === 0) return seconds;
  return (seconds as number) / per;
}

export function secondsToYears<T extends number | Nullish>(
  seconds: T,
): T extends number ? number : T;
export function secondsToYears(seconds: number | Nullish): number | Nullish {
  return divide(seconds, SECONDS_PER_YEAR);
}
export function secondsToMonths<T extends number | Nullish>(
  seconds: T,
): T extends number ? number : T;
export function secondsToMonths(seconds: number | Nullish): number | Nullish {
  return divide(seconds, SECONDS_PER_MONTH);
}
export function secondsToWeeks<T extends number | Nullish>(
  seconds: T,
): T extends number ? number : T;
export function secondsToWeeks(seconds: number | Nullish): number | Nullish {
  return divide(seconds, SECONDS_PER_WEEK);
}
export function secondsToDays<T extends number | Nullish>(
  seconds: T,
): T extends number ? number : T;
export function secondsToDays(seconds: number | Nullish): number | Nullish {
  return divide(seconds, SECONDS_PER_DAY);
}

/** Multiply then truncate toward zero to whole seconds. */
export function yearsToSeconds(years: number): number {
  return Math.trunc(years * SECONDS_PER_YEAR);
}
export function monthsToSeconds(months: number): number {
  return Math.trunc(months * SECONDS_PER_MONTH);
}
export function weeksToSeconds(weeks: number): number {
  return Math.trunc(weeks * SECONDS_PER_WEEK);
}
export function daysToSeconds(days: number): number {
  return Math.trunc(days * SECONDS_PER_DAY);
}

/** Session age (`age` is in seconds) in 365.25-day years; null/undefined/0 returned as is. */
export function ageYears(session: HasAge): number | null | undefined {
  return secondsToYears(session.age);
}
/** Session age in 30-day months; null/undefined/0 returned as is. */
export function ageMonths(session: HasAge): number | null | undefined {
  return secondsToMonths(session.age);
}
/** Session age in weeks; null/undefined/0 returned as is. */
export function ageWeeks(session: HasAge): number | null | undefined {
  return secondsToWeeks(session.age);
}
/** Session age in days; null/undefined/0 returned as is. */
export function ageDays(session: HasAge): number | null | undefined {
  return secondsToDays(session.age);
}
