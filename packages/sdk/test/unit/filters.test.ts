import { describe, expect, it } from 'vitest';
import {
  InvalidFilterError,
  joinFilters,
  parseFilter,
  parseFilterTerm,
  validateSort,
} from '../../src/finders/filters.js';

describe('parseFilterTerm', () => {
  it.each([
    ['label=My Project', 'label', '=', 'My Project'],
    ['created>2018-10-31', 'created', '>', '2018-10-31'],
    ['age<=30', 'age', '<=', '30'],
    ['age>=30', 'age', '>=', '30'],
    ['sex!=male', 'sex', '!=', 'male'],
    ['label=~.*baseline', 'label', '=~', '.*baseline'],
    ['info.custom_field<7', 'info.custom_field', '<', '7'],
    ['label="quoted"', 'label', '=', '"quoted"'],
    [
      'parents.project=5ebd4ff8bfda5102856aa084',
      'parents.project',
      '=',
      '5ebd4ff8bfda5102856aa084',
    ],
    ['label=', 'label', '=', ''],
  ])('%s', (term, field, op, value) => {
    expect(parseFilterTerm(term)).toEqual({ field, op, value });
  });

  it('picks the longest operator at the first operator position', () => {
    expect(parseFilterTerm('a<=b').op).toBe('<=');
    expect(parseFilterTerm('a=~b').op).toBe('=~');
    // a second operator is part of the value
    expect(parseFilterTerm('a=b=c')).toEqual({ field: 'a', op: '=', value: 'b=c' });
  });

  it('rejects a term without operator, naming it', () => {
    const err = (() => {
      try {
        parseFilterTerm('label');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InvalidFilterError);
    expect((err as InvalidFilterError).term).toBe('label');
    expect((err as Error).message).toContain('"label" has no operator');
  });

  it('rejects a term without field', () => {
    expect(() => parseFilterTerm('=x')).toThrow(/no field name/);
  });

  it('rejects a regex that does not compile', () => {
    expect(() => parseFilterTerm('label=~(unclosed')).toThrow(/regular expression/);
  });

  it('accepts a leading inline-flag group, which the server understands', () => {
    expect(parseFilterTerm('label=~(?i)resting.*')).toEqual({
      field: 'label',
      op: '=~',
      value: '(?i)resting.*',
    });
    expect(() => parseFilterTerm('label=~(?i)(unclosed')).toThrow(/regular expression/);
  });
});

describe('parseFilter / joinFilters', () => {
  it('splits comma-separated terms', () => {
    expect(parseFilter('group=scien,label=cmrr_deid')).toEqual([
      { field: 'group', op: '=', value: 'scien' },
      { field: 'label', op: '=', value: 'cmrr_deid' },
    ]);
  });

  it('names the whole filter and the bad term', () => {
    try {
      parseFilter('age<30,sexmale');
      expect.unreachable();
    } catch (e) {
      const err = e as InvalidFilterError;
      expect(err.filter).toBe('age<30,sexmale');
      expect(err.term).toBe('sexmale');
      expect(err.message).toContain('Invalid filter "age<30,sexmale"');
    }
  });

  it('flags an empty term (stray comma)', () => {
    expect(() => parseFilter('a=1,')).toThrow(/empty term/);
  });

  it('joins several filter arguments with commas', () => {
    expect(joinFilters(['a=1', 'b>2'])).toBe('a=1,b>2');
    expect(joinFilters([])).toBeUndefined();
    expect(joinFilters([''])).toBeUndefined();
  });

  it('refuses non-string filters', () => {
    expect(() => joinFilters([42 as unknown as string])).toThrow(TypeError);
  });
});

describe('validateSort', () => {
  it.each(['created', 'created:desc', 'label:asc,created:-1', 'a:1', 'info.x:DESC'])(
    'accepts %s',
    (s) => {
      expect(validateSort(s)).toBe(s);
    },
  );
  it.each(['created:down', ':desc', 'a,,b', 'a:desc:asc'])('rejects %s', (s) => {
    expect(() => validateSort(s)).toThrow(InvalidFilterError);
  });
});
