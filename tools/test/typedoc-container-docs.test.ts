/**
 * The docs check run by `pnpm run api-docs` (a TypeDoc plugin): it reports missing container
 * class pages, classes without their own description, and undocumented public methods/getters.
 * Tested on small reflection trees (the real run converts the whole SDK, minutes long).
 */
import { ReflectionKind } from 'typedoc';
import { describe, expect, it } from 'vitest';
import {
  CONTAINER_CLASSES,
  containerDocProblems,
  containerPages,
} from '../typedoc-container-docs.mjs';

const doc = (text: string) => ({ summary: [{ kind: 'text', text }] });
const method = (name: string, text?: string, extra: object = {}) => ({
  name,
  kind: ReflectionKind.Method,
  signatures: [text === undefined ? {} : { comment: doc(text) }],
  ...extra,
});

function project(edit: (classes: Map<string, any>) => void = () => {}) {
  const classes = new Map<string, any>(
    CONTAINER_CLASSES.map((name) => [
      name,
      {
        name,
        kind: ReflectionKind.Class,
        comment: doc(`A ${name}: what it is.`),
        children: [
          method('reload', 'A fresh copy.'),
          {
            name: 'localCreated',
            kind: ReflectionKind.Accessor,
            getSignature: { comment: doc('created, local') },
          },
          { name: 'label', kind: ReflectionKind.Property },
          method('init', undefined, { flags: { isProtected: true } }),
        ],
      },
    ]),
  );
  edit(classes);
  const model = { name: 'Model', kind: ReflectionKind.Class, comment: doc('Base class.') };
  return { children: [{ name: '@fw/sdk', children: [...classes.values(), model] }] };
}

describe('containerDocProblems', () => {
  it('passes documented classes (properties and protected methods need no description)', () => {
    expect(containerDocProblems(project())).toEqual([]);
  });

  it('names a missing class page', () => {
    expect(containerDocProblems(project((c) => c.delete('Session')))).toEqual([
      '@fw/sdk: no class page for Session',
    ]);
  });

  it('names a class without its own description, or with only the base class one', () => {
    const problems = containerDocProblems(
      project((c) => {
        c.get('Project').comment = undefined;
        c.get('FileEntry').comment = doc('Base class.');
      }),
    );
    expect(problems).toEqual([
      'Project: the class has no description of its own (say what a Project is)',
      'FileEntry: the class has no description of its own (say what a FileEntry is)',
    ]);
  });

  it('names public methods and getters without a description', () => {
    const problems = containerDocProblems(
      project((c) => {
        c.get('Group').children.push(method('update'));
        c.get('Session').children.push({ name: 'ageYears', kind: ReflectionKind.Accessor });
        // a description on one overload is enough
        c.get('Collection').children.push({
          name: 'addSessions',
          kind: ReflectionKind.Method,
          signatures: [{}, { comment: doc('Add sessions.') }],
        });
      }),
    );
    expect(problems).toEqual([
      'Group.update: public method without a description',
      'Session.ageYears: public getter without a description',
    ]);
  });

  it('names the HTML pages that must exist', () => {
    expect(containerPages()).toContain('classes/_fw_sdk.Project.html');
    expect(containerPages()).toHaveLength(CONTAINER_CLASSES.length);
  });
});
