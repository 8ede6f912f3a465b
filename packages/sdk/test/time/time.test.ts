import { describe, expect, it } from 'vitest';
import { Temporal as Polyfill } from 'temporal-polyfill';
import { Temporal } from '../../src/temporal.js';
import {
  ageDays,
  ageMonths,
  ageWeeks,
  ageYears,
  daysToSeconds,
  localCreated,
  localModified,
  localReplaced,
  localTimestamp,
  monthsToSeconds,
  originalTimestamp,
  secondsToDays,
  secondsToMonths,
  secondsToWeeks,
  secondsToYears,
  systemTimeZone,
  toDate,
  weeksToSeconds,
  yearsToSeconds,
} from '../../src/time/index.js';

describe('Temporal choice', () => {
  it('uses the native Temporal when present, else the polyfill, without installing a global', () => {
    const native = (globalThis as { Temporal?: unknown }).Temporal;
    expect(Temporal).toBe(native ?? Polyfill);
    if (!native) expect((globalThis as { Temporal?: unknown }).Temporal).toBeUndefined();
  });
});

describe('originalTimestamp', () => {
  it('converts to the container timezone', () => {
    const z = originalTimestamp({
      timestamp: '2020-01-01T04:30:00Z',
      timezone: 'America/New_York',
    });
    expect(z).not.toBeNull();
    expect(z!.timeZoneId).toBe('America/New_York');
    expect(z!.toPlainDateTime().toString()).toBe('2019-12-31T23:30:00');
    expect(z!.offset).toBe('-05:00');
    expect(z!.epochMilliseconds).toBe(Date.UTC(2020, 0, 1, 4, 30));
  });
  it('accepts Date values and respects DST', () => {
    const z = originalTimestamp({
      timestamp: new Date('2020-07-01T04:30:00Z'),
      timezone: 'America/New_York',
    });
    expect(z!.toPlainDateTime().toString()).toBe('2020-07-01T00:30:00');
    expect(z!.offset).toBe('-04:00');
  });
  it('returns null without a timestamp', () => {
    expect(originalTimestamp({ timezone: 'Europe/Paris' })).toBeNull();
    expect(originalTimestamp({ timestamp: null, timezone: null })).toBeNull();
  });
  it('throws naming the problem when timezone is missing', () => {
    expect(() => originalTimestamp({ timestamp: '2020-01-01T04:30:00Z' })).toThrow(/time ?zone/i);
    expect(() => originalTimestamp({ timestamp: '2020-01-01T04:30:00Z', timezone: '' })).toThrow(
      /timezone/,
    );
  });
  it('throws on an unknown zone name', () => {
    expect(() =>
      originalTimestamp({ timestamp: '2020-01-01T04:30:00Z', timezone: 'Mars/Olympus' }),
    ).toThrow(/Mars\/Olympus/);
  });
});

describe('local* helpers', () => {
  const obj = {
    created: '2020-01-01T04:30:00Z',
    modified: new Date('2021-06-15T12:00:00.250Z'),
    replaced: '2022-03-01T00:00:00+02:00',
    timestamp: '2020-01-01T04:30:00Z',
  };
  it('use the system time zone by default', () => {
    const z = localCreated(obj)!;
    expect(z.timeZoneId).toBe(systemTimeZone());
    expect(systemTimeZone()).toBe(Temporal.Now.timeZoneId());
    expect(z.epochMilliseconds).toBe(Date.UTC(2020, 0, 1, 4, 30));
  });
  it('convert each field to the requested zone', () => {
    const tz = { timeZone: 'Asia/Tokyo' };
    expect(localCreated(obj, tz)!.toPlainDateTime().toString()).toBe('2020-01-01T13:30:00');
    expect(localModified(obj, tz)!.toPlainDateTime().toString()).toBe('2021-06-15T21:00:00.25');
    expect(localReplaced(obj, tz)!.toPlainDateTime().toString()).toBe('2022-03-01T07:00:00');
    expect(
      localTimestamp(obj, { timeZone: 'America/New_York' })!.toPlainDateTime().toString(),
    ).toBe('2019-12-31T23:30:00');
  });
  it('return null when unset', () => {
    expect(localCreated({})).toBeNull();
    expect(localModified({ modified: null })).toBeNull();
    expect(localReplaced({})).toBeNull();
    expect(localTimestamp({ timestamp: undefined })).toBeNull();
  });
  it('rejects garbage timestamps', () => {
    expect(() => localCreated({ created: 'not a date' })).toThrow(/created/);
  });
  it('toDate gives the same instant as a Date', () => {
    expect(toDate('2020-01-01T04:30:00Z').toISOString()).toBe('2020-01-01T04:30:00.000Z');
  });
});

describe('ages', () => {
  it('divide by the documented constants', () => {
    expect(ageYears({ age: 31557600 * 2 })).toBe(2);
    expect(ageMonths({ age: 2592000 * 3 })).toBe(3);
    expect(ageWeeks({ age: 604800 * 5 })).toBe(5);
    expect(ageDays({ age: 86400 * 7 })).toBe(7);
    expect(ageDays({ age: 43200 })).toBe(0.5);
    expect(ageYears({ age: 31557600 / 4 })).toBe(0.25);
  });
  it('return null, undefined and 0 as is', () => {
    expect(ageYears({ age: null })).toBeNull();
    expect(ageMonths({})).toBeUndefined();
    expect(ageWeeks({ age: 0 })).toBe(0);
    expect(ageDays({ age: undefined })).toBeUndefined();
    expect(secondsToYears(null)).toBeNull();
    expect(secondsToDays(0)).toBe(0);
  });
  it('56 years round-trips', () => {
    const age = yearsToSeconds(56);
    expect(age).toBe(1767225600);
    expect(ageYears({ age })).toBe(56);
  });
  it('converters multiply then truncate', () => {
    expect(yearsToSeconds(1.5)).toBe(47336400);
    expect(monthsToSeconds(1 / 3)).toBe(864000);
    expect(monthsToSeconds(0.0000001)).toBe(0);
    expect(weeksToSeconds(2)).toBe(1209600);
    expect(daysToSeconds(1.99999)).toBe(172799);
    expect(Number.isInteger(daysToSeconds(1.99999))).toBe(true);
    expect(secondsToMonths(2592000)).toBe(1);
    expect(secondsToWeeks(302400)).toBe(0.5);
  });
});
