/**
 * How models take their fields from wire data (no server): the constructor converts dates in one
 * pass and shares nested values without dates, so these pin what must not change with that:
 * where dates are converted, what is left alone, and that the input is never modified.
 */
import { describe, expect, it } from 'vitest';
import { Client, FileEntry, Session, parseDates } from '../../src/index.js';

const fw = new Client('flywheel.example.org:abcdefghijklmnop0123', { disableAuthCheck: true });

function wireSession() {
  return {
    _id: 's1',
    label: 'visit 1',
    created: '2024-01-02T03:04:05.123Z',
    modified: '2024-01-02T03:04:05', // naive: UTC on the wire
    timestamp: '2024-01-02T04:04:05+01:00',
    parents: { group: 'g', project: 'p1', subject: 'sub1' },
    permissions: [{ id: 'u@x', role_id: 'r1' }],
    notes: [{ text: 'hi', created: '2024-01-03T00:00:00+0000' }],
    tags: ['a'],
    info: { created: '2024-01-02T03:04:05Z', nested: { modified: '2024-01-02' } },
    subject: { _id: 'sub1', code: 's', created: '2024-01-01', parents: { group: 'g' } },
    files: [{ name: 'a.txt', created: '2024-01-04T00:00:00Z', classification: { created: 'x' } }],
    analyses: [{ _id: 'an1', label: 'an', created: '2024-01-05T00:00:00Z', files: [] }],
    container_type: 'session',
  };
}

describe('model fields from wire data', () => {
  it('converts dates at any depth, as parseDates does, and leaves free-form data alone', () => {
    const s = new Session(fw, wireSession());
    expect(s.created).toEqual(new Date('2024-01-02T03:04:05.123Z'));
    expect(s.modified).toEqual(new Date('2024-01-02T03:04:05Z'));
    expect(s.timestamp).toEqual(new Date('2024-01-02T03:04:05Z'));
    expect(s.notes![0]!.created).toEqual(new Date('2024-01-03T00:00:00Z'));
    expect(s.info).toEqual(wireSession().info);
    expect(s.subject!.created).toEqual(new Date('2024-01-01T00:00:00Z'));
    expect(s.files![0]).toBeInstanceOf(FileEntry);
    expect(s.files![0]!.created).toEqual(new Date('2024-01-04T00:00:00Z'));
    expect(s.files![0]!.classification).toEqual({ created: 'x' });
    expect(s.analyses![0]!.created).toEqual(new Date('2024-01-05T00:00:00Z'));
    // The same values as the exported deep converter gives, field by field.
    const parsed = parseDates(wireSession()) as Record<string, unknown>;
    for (const k of ['created', 'modified', 'timestamp', 'notes', 'parents', 'permissions', 'tags'])
      expect((s as unknown as Record<string, unknown>)[k]).toEqual(parsed[k]);
  });

  it('keeps the wire fields as own enumerable properties in wire order', () => {
    const s = new Session(fw, wireSession());
    expect(Object.keys(s)).toEqual(Object.keys(wireSession()));
    expect(JSON.parse(JSON.stringify(s)).modified).toBe('2024-01-02T03:04:05.000Z');
    expect(Object.getOwnPropertyDescriptor(s, 'container_type')).toEqual({
      value: 'session',
      enumerable: true,
      writable: true,
      configurable: true,
    });
    expect(Object.keys(s.files![0]!)).toContain('container_type');
    expect(Object.keys(s.files![0]!)).not.toContain('parent');
  });

  it('never modifies the object it was given', () => {
    const input = wireSession();
    const before = structuredClone(input);
    const s = new Session(fw, input);
    expect(input).toEqual(before);
    // Changing a converted nested value does not reach the input either.
    (s.notes![0] as { text: string }).text = 'changed';
    expect(input.notes[0]!.text).toBe('hi');
  });

  it('leaves strings that are not ISO dates, and invalid dates, as strings', () => {
    const s = new Session(fw, {
      _id: 's2',
      created: 'yesterday',
      modified: '2024-13-45T99:99:99Z',
      timestamp: '2024-01-02T03:04-0500',
    });
    expect(s.created).toBe('yesterday');
    expect(s.modified).toBe('2024-13-45T99:99:99Z');
    expect(s.timestamp).toEqual(new Date('2024-01-02T08:04:00Z'));
  });

  it('takes a field that shares a name with a prototype member as an own field', () => {
    const s = new Session(fw, { _id: 's3', id: 'wire-id', reload: 'x' } as object);
    expect(Object.getOwnPropertyDescriptor(s, 'id')?.value).toBe('wire-id');
    expect(Object.keys(s)).toEqual(['_id', 'id', 'reload', 'container_type']);
  });
});

describe('date strings', () => {
  // The model reads the common full form digit by digit; every string must come out as the
  // general path (`new Date`, after the ISO check; naive times as UTC) makes it.
  function reference(value: string): Date | string {
    const iso =
      /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
    if (!iso.test(value)) return value;
    const zoned = /[zZ]|[+-]\d{2}:?\d{2}$/.test(value) || value.length <= 10;
    const d = new Date(zoned ? value : `${value}Z`);
    return Number.isNaN(d.getTime()) ? value : d;
  }

  it('come out as new Date makes them, for valid, edge and invalid forms', () => {
    const samples = [
      '2024-01-02T03:04:05Z',
      '2024-01-02T03:04:05.1Z',
      '2024-01-02T03:04:05.12Z',
      '2024-01-02T03:04:05.123Z',
      '2024-01-02T03:04:05.123999Z',
      '2026-12-02T05:00:00.123456+00:00',
      '2024-01-02T03:04:05+05:30',
      '2024-01-02T03:04:05-0800',
      '2024-01-02T03:04:05.5-08:00',
      '2024-01-02T03:04:05',
      '2024-01-02T03:04:05.250',
      '2024-01-02 03:04:05',
      '2024-01-02T03:04',
      '2024-01-02',
      '2024-02-29T00:00:00Z',
      '2023-02-29T00:00:00Z',
      '2024-02-30T00:00:00Z',
      '2024-04-31T12:00:00Z',
      '2024-01-31T23:59:59.999Z',
      '2024-12-31T23:59:59+14:00',
      '2024-00-10T00:00:00Z',
      '2024-13-10T00:00:00Z',
      '2024-01-00T00:00:00Z',
      '2024-01-32T00:00:00Z',
      '2024-01-01T24:00:00Z',
      '2024-01-01T23:60:00Z',
      '2024-01-01T23:00:60Z',
      '2024-01-01T00:00:00+24:00',
      '2024-01-01T00:00:00+23:60',
      '2024-01-01T00:00:00z',
      '2024-01-01T00:00:00.Z',
      '2024-01-01T00:00:00ZZ',
      '2024-01-01T00:00:00+0',
      '0999-01-01T00:00:00Z',
      '0050-01-01T00:00:00Z',
      '1000-01-01T00:00:00Z',
      '9999-12-31T23:59:59.999Z',
      '2O24-01-01T00:00:00Z',
      '2024-01-01T0a:00:00Z',
      '2024-01-01X00:00:00Z',
      'not a date',
    ];
    for (const created of samples) {
      const s = new Session(fw, { _id: 'x', created });
      const want = reference(created);
      if (want instanceof Date) expect([created, s.created]).toEqual([created, want]);
      else expect([created, s.created]).toEqual([created, created]);
    }
  });

  it('gives each repeated date string its own Date, with the right time as strings alternate', () => {
    const a = '2024-05-06T07:08:09.123456+00:00';
    const b = '2023-01-02T03:04:05Z';
    const c = '2022-12-31T23:59:59.5-01:00';
    const s = new Session(fw, { _id: 'x', created: a, modified: a, timestamp: b });
    expect(s.created).not.toBe(s.modified);
    (s.created as Date).setTime(0); // a caller's edit of one date reaches no other
    expect(s.modified).toEqual(new Date('2024-05-06T07:08:09.123Z'));
    for (const [created, modified, timestamp] of [
      [b, a, c],
      [c, c, a],
      [a, b, b],
    ]) {
      const t = new Session(fw, { _id: 'y', created, modified, timestamp });
      expect([t.created, t.modified, t.timestamp]).toEqual(
        [created, modified, timestamp].map((v) => new Date(v!)),
      );
    }
    const again = new Session(fw, { _id: 'z', created: a });
    expect(again.created).toEqual(new Date('2024-05-06T07:08:09.123Z'));
  });
});
