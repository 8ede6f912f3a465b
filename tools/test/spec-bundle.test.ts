import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleSource, serializeSpec, SpecError, substitute } from '../lib/spec-bundle.ts';

const ROOT = `openapi: 3.1.0
info: { title: t, version: '1' }
`;
const COMPONENTS = `parameters:
  Filter: { name: filter, in: query, schema: { type: string } }
  Sort: { name: sort, in: query, schema: { type: string } }
  Limit: { name: limit, in: query, schema: { type: integer } }
  Skip: { name: skip, in: query, schema: { type: integer } }
  Page: { name: page, in: query, schema: { type: integer } }
  AfterId: { name: after_id, in: query, schema: { type: string } }
  XAcceptFeature: { name: X-Accept-Feature, in: header, schema: { type: string } }
  WidgetId: { name: WidgetId, in: path, required: true, schema: { type: string } }
  GadgetId: { name: GadgetId, in: path, required: true, schema: { type: string } }
responses:
  Error:
    description: error
    content:
      application/json:
        schema: { $ref: '#/components/schemas/ErrorResponse' }
schemas:
  ErrorResponse: { type: object, properties: { message: { type: string } } }
  Widget: { type: object, properties: { _id: { type: string } } }
  Gadget: { type: object, properties: { _id: { type: string } } }
`;
const CONTAINERS = `containers:
  widget: { Type: Widget, types: widgets, IdParam: WidgetId, schema: Widget, tag: widgets }
  gadget: { Type: Gadget, types: gadgets, IdParam: GadgetId, schema: Gadget, tag: gadgets }
`;
const FAMILY = `appliesTo: [widget, gadget]
paths:
  /{{types}}/{{{IdParam}}}/things:
    parameters:
      - $ref: '#/components/parameters/{{IdParam}}'
    get:
      operationId: get_{{type}}_things
      summary: things of a {{type}}
      tags: ['{{tag}}']
      x-fw-pagination: true
      x-fw-list: '{{schema}}'
    post:
      operationId: add_{{type}}_thing
      summary: add
      tags: ['{{tag}}']
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: { $ref: '#/components/schemas/{{Type}}' }
`;

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

/** Write a fixture source tree at <tmp>/openapi/src and return that directory. */
function fixture(files: Record<string, string>): string {
  const base = mkdtempSync(join(tmpdir(), 'spec-'));
  dirs.push(base);
  const src = join(base, 'openapi', 'src');
  const all: Record<string, string> = {
    'openapi.yaml': ROOT,
    'components/common.yaml': COMPONENTS,
    'containers.yaml': CONTAINERS,
    ...files,
  };
  for (const [name, text] of Object.entries(all)) {
    const file = join(src, name);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, text);
  }
  return src;
}

describe('family expansion', () => {
  it('expands a family into one typed path per container type with substituted ids', () => {
    const doc = bundleSource(fixture({ 'families/things.yaml': FAMILY }));
    expect(Object.keys(doc.paths)).toEqual([
      '/gadgets/{GadgetId}/things',
      '/widgets/{WidgetId}/things',
    ]);
    const item = doc.paths['/widgets/{WidgetId}/things'] as any;
    expect(item.parameters).toEqual([{ $ref: '#/components/parameters/WidgetId' }]);
    expect(item.get.operationId).toBe('get_widget_things');
    expect(item.get.tags).toEqual(['widgets']);
    expect(item.post.responses['200'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/Widget',
    );
    expect((doc.paths['/gadgets/{GadgetId}/things'] as any).post.operationId).toBe(
      'add_gadget_thing',
    );
  });

  it('applies the cross-cutting rules: default error, pagination params, list pages', () => {
    const doc = bundleSource(fixture({ 'families/things.yaml': FAMILY }));
    const get = (doc.paths['/widgets/{WidgetId}/things'] as any).get;
    expect(get.responses.default).toEqual({ $ref: '#/components/responses/Error' });
    const refs = get.parameters.map((p: any) => p.$ref);
    for (const n of ['Filter', 'Sort', 'Limit', 'Skip', 'Page', 'AfterId']) {
      expect(refs).toContain(`#/components/parameters/${n}`);
    }
    expect(get.responses['200'].content['application/json'].schema.oneOf).toEqual([
      { type: 'array', items: { $ref: '#/components/schemas/Widget' } },
      { $ref: '#/components/schemas/WidgetPage' },
    ]);
    expect((doc.components.schemas as any).WidgetPage.required).toEqual([
      'results',
      'total',
      'count',
    ]);
    expect((doc.components.schemas as any).GadgetPage).toBeDefined();
  });

  it('inlines x-fw-default-limit as x-sdk-default on limit', () => {
    const family = FAMILY.replace(
      'x-fw-pagination: true',
      'x-fw-pagination: true\n      x-fw-default-limit: 1000',
    );
    const doc = bundleSource(fixture({ 'families/things.yaml': family }));
    const params = (doc.paths['/widgets/{WidgetId}/things'] as any).get.parameters;
    expect(params.find((p: any) => p.name === 'limit')).toMatchObject({
      in: 'query',
      'x-sdk-default': 1000,
    });
  });

  it('honours x-fw-only on a path item', () => {
    const family = FAMILY.replace(
      '    parameters:\n',
      '    x-fw-only: [gadget]\n    parameters:\n',
    );
    const doc = bundleSource(fixture({ 'families/things.yaml': family }));
    expect(Object.keys(doc.paths)).toEqual(['/gadgets/{GadgetId}/things']);
    expect(JSON.stringify(doc)).not.toContain('x-fw-only');
  });

  it('is deterministic', () => {
    const src = fixture({ 'families/things.yaml': FAMILY });
    expect(serializeSpec(bundleSource(src))).toBe(serializeSpec(bundleSource(src)));
  });
});

describe('errors', () => {
  it('rejects an unknown placeholder, naming the file', () => {
    const src = fixture({ 'families/things.yaml': FAMILY.replace('{{tag}}', '{{nope}}') });
    expect(() => bundleSource(src)).toThrow(
      /openapi\/src\/families\/things\.yaml.*unknown placeholder \{\{nope\}\}/,
    );
  });

  it('rejects duplicate operationIds', () => {
    const src = fixture({
      'families/things.yaml': FAMILY.replace('add_{{type}}_thing', 'add_thing'),
    });
    expect(() => bundleSource(src)).toThrow(/duplicate operationId "add_thing"/);
  });

  it('rejects a duplicate path + method across files, naming both', () => {
    const dup = `paths:
  /widgets/{WidgetId}/things:
    get:
      operationId: other
      summary: x
      responses: { '200': { description: ok } }
`;
    const src = fixture({ 'families/things.yaml': FAMILY, 'paths/widgets.yaml': dup });
    expect(() => bundleSource(src)).toThrow(
      /duplicate operation GET \/widgets\/\{WidgetId\}\/things.*paths\/widgets\.yaml/,
    );
  });

  it('rejects dangling $refs', () => {
    const src = fixture({
      'families/things.yaml': FAMILY.replace("schemas/{{Type}}'", "schemas/{{Type}}Missing'"),
    });
    expect(() => bundleSource(src)).toThrow(
      /dangling \$ref "#\/components\/schemas\/WidgetMissing".*families\/things\.yaml/,
    );
  });

  it('rejects duplicate component names', () => {
    const src = fixture({ 'components/more.yaml': 'schemas:\n  Widget: { type: string }\n' });
    expect(() => bundleSource(src)).toThrow(
      /components\/more\.yaml: duplicate components\.schemas\.Widget/,
    );
  });

  it('rejects unknown container types in appliesTo', () => {
    const src = fixture({
      'families/things.yaml': FAMILY.replace('[widget, gadget]', '[widget, gizmo]'),
    });
    expect(() => bundleSource(src)).toThrow(SpecError);
  });

  it('substitute leaves non-placeholder braces alone', () => {
    expect(substitute('/x/{{{IdParam}}}/{Keep}', { type: 't', IdParam: 'XId' }, 'here')).toBe(
      '/x/{XId}/{Keep}',
    );
  });
});
