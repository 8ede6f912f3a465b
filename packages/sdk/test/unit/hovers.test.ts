/**
 * What an editor shows on hover: the TypeScript language service's quick info for generated
 * methods and a finder must name the types (`Promise<Session>`, `Promise<Note>`,
 * `ProjectsFinderParams`), not the type-level machinery that computes them (`ModelOf<…>`,
 * `OpJson<…>`, `OpQuery<…>`) nor an expanded mapped type.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const probe = join(pkg, 'test', 'unit', '__hover_probe__.ts');
const calls = [
  'getSession',
  'getProjectSessions',
  'getContainer',
  'addAcquisitionNote',
  'modifySession',
  'addAcquisition',
  'uploadFileToSession',
  'downloadFileFromSession',
  'projects.find',
];
const text =
  `import { Client } from '../../src/index.js';\ndeclare const fw: Client;\n` +
  calls.map((c) => `fw.${c};`).join('\n');

function quickInfo(): Map<string, string> {
  const files = new Map([[probe, text]]);
  const read = (f: string): string | undefined =>
    files.get(f) ?? (ts.sys.fileExists(f) ? readFileSync(f, 'utf8') : undefined);
  const host: ts.LanguageServiceHost = {
    getScriptFileNames: () => [probe],
    getScriptVersion: () => '1',
    getScriptSnapshot: (f) => {
      const t = read(f);
      return t === undefined ? undefined : ts.ScriptSnapshot.fromString(t);
    },
    getCurrentDirectory: () => pkg,
    getCompilationSettings: () => ({
      strict: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      skipLibCheck: true,
      types: ['node'],
    }),
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (f) => files.has(f) || ts.sys.fileExists(f),
    readFile: read,
  };
  const service = ts.createLanguageService(host);
  const out = new Map<string, string>();
  for (const call of calls) {
    // the last name of the expression: `find` in `fw.projects.find`
    const pos = text.indexOf(`fw.${call};`) + 3 + call.lastIndexOf('.') + 1;
    const info = service.getQuickInfoAtPosition(probe, pos);
    out.set(call, ts.displayPartsToString(info?.displayParts));
  }
  return out;
}

describe('hovers on generated methods', () => {
  const hovers = quickInfo();
  const machinery = /ModelOf<|OpJson<|OpQuery<|BodyOf<|DateInputs<|NonNullable<|FinderParams<\{/;

  it('name the SDK class a method resolves to', () => {
    expect(hovers.get('getSession')).toMatch(/\): Promise<Session>$/);
    expect(hovers.get('getProjectSessions')).toMatch(/\): Promise<SessionListOutput\[\]>$/);
    expect(hovers.get('getContainer')).toMatch(
      /\): Promise<Group \| Project \| Subject \| Session \| Acquisition \| Analysis \| Collection>$/,
    );
    expect(hovers.get('uploadFileToSession')).toMatch(/\): Promise<FileEntry\[\]>$/);
  });

  it('name the JSON answers, bodies and options', () => {
    expect(hovers.get('addAcquisitionNote')).toMatch(
      /\(acquisitionId: string, body: AddAcquisitionNoteBody, options\?: AddAcquisitionNoteOptions\): Promise<Note>$/,
    );
    expect(hovers.get('modifySession')).toMatch(
      /\(sessionId: string, body: ModifySessionBody, options\?: ModifySessionOptions\): Promise<ModifiedResult>$/,
    );
    expect(hovers.get('addAcquisition')).toMatch(/\): Promise<string>$/);
    expect(hovers.get('downloadFileFromSession')).toMatch(
      /dest: DownloadDestination, options\?: DownloadOptions & DownloadFileFromSessionQuery\): Promise<void>$/,
    );
  });

  it('name the finder options', () => {
    expect(hovers.get('projects.find')).toMatch(
      /^\(method\) Finder<ProjectListOutput, ProjectsFinderParams, ItemWhere<ProjectListOutput>>\.find\(\.\.\.args: FindArgs<ProjectsFinderParams, ItemWhere<ProjectListOutput>>\): Promise<ProjectListOutput\[\]>$/,
    );
  });

  it('show none of the type-level machinery', () => {
    for (const [call, hover] of hovers)
      expect([call, hover]).toEqual([call, expect.not.stringMatching(machinery)]);
  });
});

describe('the generated signatures', () => {
  it('use named types only (no ModelOf/OpJson in methods.ts)', () => {
    const methods = readFileSync(join(pkg, 'src/generated/methods.ts'), 'utf8');
    expect(methods).not.toMatch(/ModelOf<|OpJson<|OpQuery<|BodyOf</);
  });
});
