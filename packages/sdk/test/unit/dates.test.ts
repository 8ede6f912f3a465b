import { describe, expect, it } from 'vitest';
import { Temporal as Polyfill } from 'temporal-polyfill';
import { serializeDates } from '../../src/models/dates.js';
import { Temporal } from '../../src/temporal.js';

describe('serializeDates (request bodies)', () => {
  it('writes a Date as its ISO instant', () => {
    expect(serializeDates({ timestamp: new Date(Date.UTC(2020, 0, 1, 4, 30)) })).toEqual({
      timestamp: '2020-01-01T04:30:00.000Z',
    });
  });

  it('writes a ZonedDateTime as its instant, without the [zone] annotation', () => {
    for (const T of [Temporal, Polyfill]) {
      const zdt = T.ZonedDateTime.from('2020-01-01T04:30:00-05:00[America/New_York]');
      expect(serializeDates({ timestamp: zdt, nested: [{ timestamp: zdt }] })).toEqual({
        timestamp: '2020-01-01T09:30:00Z',
        nested: [{ timestamp: '2020-01-01T09:30:00Z' }],
      });
    }
  });

  it('writes an Instant with its own ISO form', () => {
    expect(serializeDates({ t: Temporal.Instant.from('2021-06-01T12:00:00Z') })).toEqual({
      t: '2021-06-01T12:00:00Z',
    });
  });
});
