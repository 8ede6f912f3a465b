import { describe, expect, it } from 'vitest';
import { lintSpec } from '../lib/spec-lint.ts';
import type { OpenApiDocument } from '../lib/spec-bundle.ts';

const docWith = (schemas: Record<string, unknown>): OpenApiDocument =>
  ({
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    paths: {},
    components: { schemas },
  }) as unknown as OpenApiDocument;

describe('lintSpec house rules', () => {
  it('flags a null left behind by an unquoted comma in flow-style YAML', () => {
    const problems = lintSpec(
      docWith({
        User: {
          type: 'object',
          properties: { _id: { type: 'string', 'usually the e-mail': null } },
        },
      }),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('#/components/schemas/User/properties/_id/usually the e-mail');
  });

  it('flags a bare object schema and accepts a free-form one', () => {
    expect(lintSpec(docWith({ Info: { type: 'object' } }))[0]).toContain('bare "type: object"');
    expect(lintSpec(docWith({ Info: { type: 'object', additionalProperties: true } }))).toEqual([]);
  });
});
