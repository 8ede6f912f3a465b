/**
 * The neutral entry leaves temporal-polyfill out: with no native Temporal and none installed, a
 * time-zone helper says how to get one (this file imports neither `src/temporal.ts` nor the
 * Node entry, and vitest runs each test file in its own module graph).
 */
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '@fw/api';
import { installTemporal, localTimestamp, secondsToYears } from '../../src/time/index.js';

const native = (globalThis as { Temporal?: unknown }).Temporal;

describe('time helpers without Temporal', () => {
  it('throw a ConfigurationError naming @fw/sdk/temporal, until one is installed', async () => {
    if (native) {
      // a runtime with a native Temporal needs nothing installed
      expect(localTimestamp({ timestamp: '2020-01-01T00:00:00Z' })).not.toBeNull();
      return;
    }
    expect(() => localTimestamp({ timestamp: '2020-01-01T00:00:00Z' })).toThrow(ConfigurationError);
    expect(() => localTimestamp({ timestamp: '2020-01-01T00:00:00Z' })).toThrow(
      /@fw\/sdk\/temporal/,
    );
    // helpers that need no time zone keep working
    expect(secondsToYears(31_557_600)).toBe(1);
    const { Temporal } = await import('temporal-polyfill');
    installTemporal(Temporal);
    const z = localTimestamp({ timestamp: '2020-01-01T00:00:00Z' }, { timeZone: 'UTC' });
    expect(z?.toString()).toBe('2020-01-01T00:00:00+00:00[UTC]');
  });
});
