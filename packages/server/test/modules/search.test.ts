import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerSqlFunctions, toStoredTimestamp } from '../../src/query/index.js';
import {
  SearchError,
  compileSearch,
  parseStructuredQuery,
  validateStructuredQuery,
  type SearchSchema,
} from '../../src/search/index.js';

const schema: SearchSchema = {
  levels: {
    project: { docColumn: 'p.doc', columns: { label: 'p.label' } },
    session: { docColumn: 's.doc' },
    acquisition: { docColumn: 'a.doc' },
    file: { docColumn: 'f.doc' },
  },
};

let db: Database.Database;
beforeAll(() => {
  db = new Database(':memory:');
  registerSqlFunctions(db);
  db.exec(`
    CREATE TABLE projects (id TEXT PRIMARY KEY, label TEXT, doc TEXT);
    CREATE TABLE sessions (id TEXT PRIMARY KEY, project_id TEXT, doc TEXT);
    CREATE TABLE acquisitions (id TEXT PRIMARY KEY, session_id TEXT, doc TEXT);
    CREATE TABLE files (id TEXT PRIMARY KEY, parent_id TEXT, doc TEXT);`);
  const put = (table: string, cols: unknown[]) =>
    db.prepare(`INSERT INTO ${table} VALUES (${cols.map(() => '?').join(',')})`).run(...cols);
  put('projects', ['p1', 'My Project', JSON.stringify({ label: 'My Project' })]);
  put('projects', ['p2', 'Other', JSON.stringify({ label: 'Other' })]);
  const ts = (s: string) => toStoredTimestamp(s);
  put('sessions', [
    's1',
    'p1',
    JSON.stringify({
      label: 'ses-01',
      age: 40,
      timestamp: ts('2019-03-01T10:00:00Z'),
      info: { cohort: 'Control' },
    }),
  ]);
  put('sessions', [
    's2',
    'p1',
    JSON.stringify({ label: 'ses-02', age: 20, timestamp: ts('2018-12-31T23:00:00Z') }),
  ]);
  put('sessions', [
    's3',
    'p2',
    JSON.stringify({
      label: 'baseline',
      age: 50,
      timestamp: ts('2019-06-01T00:00:00Z'),
      info: { cohort: 'patient' },
    }),
  ]);
  put('acquisitions', ['a1', 's1', JSON.stringify({ label: 'T1w' })]);
  put('acquisitions', ['a2', 's2', JSON.stringify({ label: 'fmri_rest' })]);
  put('acquisitions', ['a3', 's3', JSON.stringify({ label: 'T1w' })]);
  put('files', [
    'f1',
    'a1',
    JSON.stringify({
      name: 'T1.nii.gz',
      type: 'nifti',
      classification: { Measurement: ['T1'], Intent: ['Structural'] },
      info: { PatientIdentityRemoved: true },
    }),
  ]);
  put('files', [
    'f2',
    'a2',
    JSON.stringify({
      name: 'rest.dicom.zip',
      type: 'dicom',
      classification: { Measurement: ['T2*', 'BOLD'] },
      info: { PatientIdentityRemoved: false },
    }),
  ]);
  put('files', [
    'f3',
    'a3',
    JSON.stringify({ name: 'T1_2.nii.gz', type: 'nifti', classification: { Measurement: ['T1'] } }),
  ]);
});

function files(q: string): string[] {
  const { sql, params } = compileSearch(q, schema);
  return db
    .prepare(
      `SELECT f.id FROM files f JOIN acquisitions a ON f.parent_id = a.id JOIN sessions s ON a.session_id = s.id
       JOIN projects p ON s.project_id = p.id WHERE ${sql} ORDER BY f.id`,
    )
    .pluck()
    .all(...params) as string[];
}

function searchError(q: string, s: SearchSchema = schema): SearchError {
  try {
    compileSearch(q, s);
  } catch (e) {
    expect(e).toBeInstanceOf(SearchError);
    return e as SearchError;
  }
  throw new Error('expected a SearchError');
}

describe('structured search → SQL on joined tables', () => {
  it('array-valued classification: = means contains', () => {
    expect(files('file.classification.Measurement = T1')).toEqual(['f1', 'f3']);
    expect(files('file.classification.Measurement == "T2*"')).toEqual(['f2']);
    expect(files('file.classification.Measurement != T1')).toEqual(['f2']);
  });
  it('typed literals: numbers, booleans, dates, timestamps; quoted values with spaces', () => {
    expect(files('session.age > 30')).toEqual(['f1', 'f3']);
    expect(files('session.age <= 20')).toEqual(['f2']);
    expect(files('session.age = "40"')).toEqual([]); // a quoted value is a string
    expect(files('file.info.PatientIdentityRemoved = true')).toEqual(['f1']);
    expect(files('file.info.PatientIdentityRemoved <> true')).toEqual(['f2', 'f3']);
    expect(files('session.timestamp >= 2019-01-01')).toEqual(['f1', 'f3']);
    expect(files('session.timestamp < 2019-03-01T10:00:00')).toEqual(['f2']);
    expect(files('session.timestamp = 2019-03-01T11:00:00+01:00')).toEqual(['f1']);
    expect(files('project.label = "My Project"')).toEqual(['f1', 'f2']);
  });
  it('IN, CONTAINS, LIKE, EXISTS, =~ and !~', () => {
    expect(files('acquisition.label IN [fmri_rest, "T1w"]')).toEqual(['f1', 'f2', 'f3']);
    expect(files('session.age in [20, 50]')).toEqual(['f2', 'f3']);
    expect(files('file.name CONTAINS dicom')).toEqual(['f2']);
    expect(files('session.info.cohort contains CONTROL')).toEqual(['f1']); // case-insensitive
    expect(files('file.classification.Measurement CONTAINS bold')).toEqual(['f2']);
    expect(files('file.name LIKE T1?2*')).toEqual(['f3']);
    expect(files('file.name LIKE "%.nii.gz"')).toEqual(['f1', 'f3']);
    expect(files('file.name LIKE "T1\\_2*"')).toEqual(['f3']);
    expect(files('session.info.cohort EXISTS')).toEqual(['f1', 'f3']);
    expect(files('NOT session.info.cohort EXISTS')).toEqual(['f2']);
    expect(files('session.label =~ "^ses-0[12]$"')).toEqual(['f1', 'f2']);
    expect(files('session.label !~ ^ses')).toEqual(['f3']);
  });
  it('OR binds tighter than AND without parentheses; parentheses and NOT override', () => {
    // a AND (b OR c): f3 matches c but not a.
    expect(files('project.label = "My Project" AND session.age = 40 OR session.age = 50')).toEqual([
      'f1',
    ]);
    expect(
      files('(project.label = "My Project" AND session.age = 40) OR session.age = 50'),
    ).toEqual(['f1', 'f3']);
    expect(files('not (file.type = nifti) and project.label = "My Project"')).toEqual(['f2']);
    expect(files('NOT file.type = nifti OR file.info.PatientIdentityRemoved = true')).toEqual([
      'f1',
      'f2',
    ]);
  });
  it('reports the levels used', () => {
    expect(compileSearch('session.age > 1 AND file.type = nifti', schema).levels.sort()).toEqual([
      'file',
      'session',
    ]);
  });
  it('parses to an AST', () => {
    expect(parseStructuredQuery('file.type = dicom')).toEqual({
      type: 'cond',
      level: 'file',
      path: 'type',
      op: 'eq',
      values: [{ type: 'string', value: 'dicom' }],
      offset: 0,
    });
  });
});

describe('search errors carry the position of the bad token', () => {
  it.each([
    ['foo.label = x', 0, 'foo.label'],
    ['session.label = ', 16, ''],
    ['session.label = x And file.type = y', 18, 'And'],
    ['(session.age > 1', 16, ''],
    ['session.age > 1 )', 16, ')'],
    ['session.label IN [a, b', 22, ''],
    ['session.label = "open', 16, '"open'],
    ['session.label =~ "(["', 17, '"(["'],
    ['session.timestamp > 2019-02-30', 20, '2019-02-30'],
    ['session.age ! 3', 12, '!'],
  ])('%s', (q, offset, token) => {
    const e = searchError(q);
    expect(e.status).toBe(400);
    expect(e.offset).toBe(offset);
    expect(e.token).toBe(token);
  });
  it('computes line and position', () => {
    const e = searchError('session.age > 1 AND\n  bogus = 2');
    expect([e.line, e.pos, e.offset]).toEqual([2, 2, 22]);
    expect(e.message).toContain('"bogus"');
  });
  it('rejects levels the caller did not join', () => {
    const e = searchError('analysis.label = x');
    expect(e.message).toContain('analysis');
  });
  it('validateStructuredQuery', () => {
    expect(validateStructuredQuery('file.type = dicom')).toEqual({ valid: true, errors: [] });
    const r = validateStructuredQuery('file.type dicom');
    expect(r.valid).toBe(false);
    expect(r.errors[0]).toMatchObject({ line: 1, pos: 10, offset: 10 });
  });
});
