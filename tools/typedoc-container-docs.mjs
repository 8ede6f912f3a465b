// @ts-check
/**
 * TypeDoc plugin (loaded by `typedoc.json`, so `pnpm run api-docs` runs it): fails the docs build
 * when a container class of `@fw/sdk` has no page, no description of its own, or a public method
 * or getter without a description. Why: these pages are where a user looks up what `project.…`
 * can do; a bare entry sends them into the source.
 *
 * Plain JavaScript because TypeDoc imports plugins without a TypeScript loader.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Application, ReflectionKind, RendererEvent } from 'typedoc';

/** The classes checked, and the module whose pages must hold them. */
export const CONTAINER_CLASSES = [
  'Group',
  'Project',
  'Subject',
  'Session',
  'Acquisition',
  'Analysis',
  'Collection',
  'FileEntry',
  'Job',
  'Gear',
  'User',
];
export const SDK_MODULE = '@fw/sdk';

/** Base classes whose description a container class must not merely inherit. */
const BASES = ['Model', 'ResourceModel', 'ContainerModel'];

/** @param {{ summary?: { text: string }[] } | undefined} comment */
function summary(comment) {
  return (comment?.summary ?? [])
    .map((p) => p.text)
    .join('')
    .trim();
}

/**
 * @typedef {{ name: string; kind: number; comment?: any; flags?: { isPrivate?: boolean; isProtected?: boolean; isExternal?: boolean };
 *   signatures?: { comment?: any }[]; getSignature?: { comment?: any }; setSignature?: { comment?: any };
 *   children?: Node[] }} Node
 */

/** @param {Node} m */
function described(m) {
  return (
    summary(m.comment) !== '' ||
    (m.signatures ?? []).some((s) => summary(s.comment) !== '') ||
    summary(m.getSignature?.comment) !== '' ||
    summary(m.setSignature?.comment) !== ''
  );
}

/**
 * Problems with the container classes of a converted project (TypeDoc reflections, or their
 * JSON form: the same field names). Empty when every class is documented.
 * @param {Node} project
 * @returns {string[]}
 */
export function containerDocProblems(project) {
  const problems = [];
  const mod = (project.children ?? []).find((c) => c.name === SDK_MODULE);
  if (!mod) return [`the docs have no "${SDK_MODULE}" module`];
  const byName = new Map((mod.children ?? []).map((c) => [c.name, c]));
  const baseSummaries = new Set(BASES.map((b) => summary(byName.get(b)?.comment)).filter(Boolean));
  for (const name of CONTAINER_CLASSES) {
    const cls = byName.get(name);
    if (!cls || cls.kind !== ReflectionKind.Class) {
      problems.push(`${SDK_MODULE}: no class page for ${name}`);
      continue;
    }
    const own = summary(cls.comment);
    if (own === '' || baseSummaries.has(own)) {
      problems.push(`${name}: the class has no description of its own (say what a ${name} is)`);
    }
    for (const m of cls.children ?? []) {
      if (m.kind !== ReflectionKind.Method && m.kind !== ReflectionKind.Accessor) continue;
      if (m.flags?.isPrivate || m.flags?.isProtected || m.name.startsWith('_')) continue;
      if (!described(m)) {
        const what = m.kind === ReflectionKind.Method ? 'method' : 'getter';
        problems.push(`${name}.${m.name}: public ${what} without a description`);
      }
    }
  }
  return problems;
}

/** The HTML pages the container classes must have, relative to the output folder. */
export function containerPages() {
  return CONTAINER_CLASSES.map((n) => `classes/${SDK_MODULE.replace(/[@/]/g, '_')}.${n}.html`);
}

/** @param {Application} app */
export function load(app) {
  app.on(Application.EVENT_VALIDATE_PROJECT, (project) => {
    for (const p of containerDocProblems(/** @type {any} */ (project))) {
      app.logger.error(`container docs: ${p}`);
    }
  });
  app.renderer.on(RendererEvent.END, (event) => {
    for (const page of containerPages()) {
      if (!existsSync(join(event.outputDirectory, page))) {
        app.logger.error(`container docs: page ${page} was not written`);
      }
    }
  });
}
