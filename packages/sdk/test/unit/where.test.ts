/** Rendering of the typed filter form to filter-string terms (the wire side is in e2e/finder-where). */
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { InvalidFilterError } from '../../src/finders/filters.js';
import { nearest, renderWhere } from '../../src/finders/where.js';
import { FINDER_FIELDS, FINDER_OPERATION_TYPES } from '../../src/generated/fields.js';

const session = { description: 'project.sessions.find', containerType: 'session' };
const r = (where: object) => renderWhere(where, session);

describe('renderWhere', () => {
  it('renders each operator in the server grammar', () => {
    expect(r({ label: 'x' })).toEqual(['label="x"']);
    expect(r({ label: { eq: 'x', ne: 'y' } })).toEqual(['label="x"', 'label!="y"']);
    expect(r({ age: { gt: 1, gte: 2, lt: 3, lte: 4 } })).toEqual([
      'age>1',
      'age>=2',
      'age<3',
      'age<=4',
    ]);
    expect(r({ tags: { in: ['a', 'b.c'] } })).toEqual(['tags=~^(?:a|b\\.c)$']);
    expect(r({ tags: { in: ['a'] } })).toEqual(['tags="a"']);
    expect(r({ tags: { nin: ['a', 'b'] } })).toEqual(['tags!="a"', 'tags!="b"']);
    expect(r({ label: { regex: '^a' } })).toEqual(['label=~^a']);
    expect(r({ label: /^a/im })).toEqual(['label=~(?im)^a']);
    expect(r({ uid: { exists: true }, operator: { exists: false } })).toEqual([
      'uid!=null',
      'operator=null',
    ]);
    expect(r({ label: null, age: 0, info_exists: false })).toEqual([
      'label=null',
      'age=0',
      'info_exists=false',
    ]);
    expect(r({ label: undefined, age: { gt: undefined, lt: 5 } })).toEqual(['age<5']);
  });

  it('quotes strings so they stay strings, keeping inner quotes', () => {
    expect(r({ label: '42' })).toEqual(['label="42"']);
    expect(r({ label: 'say "hi"' })).toEqual(['label="say "hi""']);
    expect(r({ 'info.when': '2020-01-01' })).toEqual(['info.when="2020-01-01"']);
  });

  it('sends a value with a comma as an anchored regex with \\x2c', () => {
    expect(r({ label: 'a,b (1)' })).toEqual(['label=~^a\\x2cb \\(1\\)$']);
    expect(r({ tags: { in: ['x,y', 'z'] } })).toEqual(['tags=~^(?:x\\x2cy|z)$']);
    expect(r({ label: { regex: 'a,b|[,]|\\,' } })).toEqual(['label=~a\\x2cb|[\\x2c]|\\x2c']);
  });

  it('renders instants as whole UTC seconds, and date strings on date fields as date literals', () => {
    const d = new Date('2020-03-04T05:06:07.890Z');
    expect(r({ created: { gt: d } })).toEqual(['created>2020-03-04T05:06:07']);
    expect(r({ created: { lt: Temporal.Instant.from('2020-03-04T05:06:07Z') } })).toEqual([
      'created<2020-03-04T05:06:07',
    ]);
    expect(
      r({
        created: { gte: Temporal.ZonedDateTime.from('2020-03-04T14:06:07+09:00[Asia/Tokyo]') },
      }),
    ).toEqual(['created>=2020-03-04T05:06:07']);
    expect(r({ timestamp: '2020-03-04' })).toEqual(['timestamp=2020-03-04']);
    expect(r({ timestamp: { lt: '2020-03-04T05:06:07+01:00' } })).toEqual([
      'timestamp<2020-03-04T04:06:07',
    ]);
    expect(r({ 'info.scan': new Date(Date.UTC(2019, 0, 2)) })).toEqual([
      'info.scan=2019-01-02T00:00:00',
    ]);
  });

  it('accepts parent aliases and sub-paths of object fields', () => {
    expect(r({ project: 'p1', 'parents.subject': 's1', 'subject.code': 'c' })).toEqual([
      'project="p1"',
      'parents.subject="s1"',
      'subject.code="c"',
    ]);
  });

  const reject = (where: object, pattern: RegExp, ctx = session) => {
    let err: unknown;
    try {
      renderWhere(where, ctx);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidFilterError);
    expect((err as Error).message).toMatch(pattern);
    return err as InvalidFilterError;
  };

  it('rejects unknown fields, naming the field, the type and the nearest names', () => {
    const e = reject({ lable: 'x' }, /^project\.sessions\.find: unknown field "lable"/);
    expect(e.field).toBe('lable');
    expect(e.containerType).toBe('session');
    expect(e.message).toContain('a session has no field "lable" (fields of SessionListOutput)');
    expect(e.message).toMatch(/Nearest valid names: label, /);
    reject({ 'lable.x': 'x' }, /unknown field "lable\.x"/);
    reject({ 'age.years': 1 }, /"age" of a session is a number, so it has no sub-field "years"/);
    reject({ group: 'g' }, /no field "group"/, {
      description: 'fw.groups',
      containerType: 'group',
    });
  });

  it('skips the field check when the container type is unknown, but not the value checks', () => {
    expect(renderWhere({ anything: 1 }, { description: 'custom' })).toEqual(['anything=1']);
    expect(() => renderWhere({ 'a=b': 1 }, { description: 'custom' })).toThrow(
      /invalid field name "a=b"/,
    );
  });

  it('rejects conditions the grammar cannot express', () => {
    reject({ label: { ne: 'a,b' } }, /comma can only be matched with eq, in or regex/);
    reject({ age: { in: [1, 2] } }, /strings only/);
    reject({ age: { in: [] } }, /in \[\] matches nothing/);
    reject({ label: { regex: 'a{1,3}' } }, /\{m,n\} quantifier/);
    reject({ age: { gt: null } }, /gt needs a value, not null/);
    reject({ age: Number.NaN }, /not a finite number/);
    reject({ created: new Date('nope') }, /invalid date/);
    reject({ created: { gt: 'yesterday' } }, /"created" is a date; "yesterday" is not a date/);
    reject({ label: { like: 'x' } }, /unknown operator "like"/);
    reject({ info: { site: 'A' } }, /write "info\.site" as the key/);
    reject({ label: {} }, /"label" has no condition/);
    reject({ label: ['a'] }, /use \{ in: \[\.\.\.\] \}/);
    reject({ uid: { exists: 'yes' } }, /exists takes true or false/);
    expect(() => renderWhere('label=x', session)).toThrow(/"where" must be an object/);
  });

  it('nearest() orders by edit distance', () => {
    expect(nearest('lable', ['label', 'labels', 'tags', 'uid'], 2)).toEqual(['label', 'labels']);
  });
});

describe('generated field table', () => {
  it('covers every finder container type, from the list models', () => {
    expect(Object.keys(FINDER_FIELDS).sort()).toEqual([
      'acquisition',
      'analysis',
      'collection',
      'file',
      'gear',
      'group',
      'job',
      'project',
      'session',
      'subject',
      'user',
    ]);
    expect(FINDER_FIELDS['session']!.model).toBe('SessionListOutput');
    expect(FINDER_FIELDS['session']!.fields).toMatchObject({
      label: 'string',
      created: 'date',
      age: 'number',
      tags: 'array',
      info: 'object',
      info_exists: 'boolean',
    });
    expect(FINDER_FIELDS['subject']!.fields['code']).toBe('string');
    expect(FINDER_FIELDS['project']!.fields['code']).toBeUndefined();
    expect(FINDER_OPERATION_TYPES['get_project_sessions']).toBe('session');
    expect(FINDER_OPERATION_TYPES['get_session_analyses']).toBe('analysis');
    expect(FINDER_OPERATION_TYPES['get_all_files']).toBe('file');
  });
});
