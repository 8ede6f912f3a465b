/**
 * Every pnpm command written in a README names a real script, and no root script is shadowed by
 * a pnpm built-in (`pnpm server` and `pnpm docs` run pnpm's own commands, not the scripts).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** pnpm 10 commands that take precedence over a script of the same name. */
const BUILTINS = new Set(
  (
    'add approve-builds audit bin bugs c cat-file cat-index config create dedupe deploy dlx docs ' +
    'doctor env exec fetch find-hash get help home i ignored-builds import info init install ' +
    'install-test it la licenses link list ll ln login logout ls m outdated owner pack patch ' +
    'patch-commit patch-remove prune publish rb rebuild recursive remove repo rm root run self-update ' +
    'server set setup store un uninstall unlink up update upgrade view whoami why'
  ).split(' '),
);

const scriptsOf = (dir: string): Record<string, string> =>
  (
    JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      scripts?: Record<string, string>;
    }
  ).scripts ?? {};

function readmes(): string[] {
  const found = [join(root, 'README.md')];
  for (const group of ['packages', 'tests']) {
    for (const name of readdirSync(join(root, group)))
      found.push(join(root, group, name, 'README.md'));
  }
  for (const dir of ['tools', 'bench', 'openapi', 'examples', 'docs'])
    found.push(join(root, dir, 'README.md'));
  return found.filter((f) => existsSync(f));
}

interface Command {
  file: string;
  text: string;
  args: string[];
}

/** `pnpm …` / `npx -y pnpm@x …` in fenced shell blocks and inline code spans. */
export function extractCommands(file: string, markdown: string): Command[] {
  const snippets: string[] = [];
  const prose: string[] = [];
  let fence: string | null = null; // the language of the open fenced block
  for (const line of markdown.split('\n')) {
    const open = /^\s*```(\w*)/.exec(line);
    if (open) {
      fence = fence === null ? open[1]! : null;
      continue;
    }
    if (fence === null) prose.push(line);
    else if (['', 'sh', 'bash', 'shell', 'console'].includes(fence)) snippets.push(line);
  }
  for (const span of prose.join('\n').matchAll(/`([^`\n]+)`/g)) snippets.push(span[1]!);
  const commands: Command[] = [];
  for (const snippet of snippets) {
    const code = snippet.replace(/#.*$/, '');
    for (const m of code.matchAll(/(?:npx -y pnpm@[\d.]+|(?<![\w@/-])pnpm)((?:\s+[^\s&|;]+)*)/g)) {
      const args = m[1]!.trim().split(/\s+/).filter(Boolean);
      if (args.length) commands.push({ file, text: m[0].trim(), args });
    }
  }
  return commands;
}

/** The script a command runs and the folder whose package.json must have it, or null (built-in). */
function target(command: Command): { script: string; dirs: string[] } | null {
  const args = [...command.args];
  const own = dirname(command.file);
  if (args[0] === '--filter' || args[0] === '-F') {
    const name = args[1]!;
    const rest = args.slice(2);
    if (rest[0] === 'run') rest.shift();
    const dir = ['packages', 'tests']
      .flatMap((g) => readdirSync(join(root, g)).map((n) => join(root, g, n)))
      .concat(['tools', 'examples', 'bench'].map((n) => join(root, n)))
      .find(
        (d) =>
          existsSync(join(d, 'package.json')) &&
          JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')).name === name,
      );
    expect(dir, `${command.text}: no workspace package ${name}`).toBeDefined();
    return { script: rest[0]!, dirs: [dir!] };
  }
  if (args[0] === 'run') return { script: args[1]!, dirs: [root, own] };
  if (BUILTINS.has(args[0]!)) return null; // install, or a mention of a built-in such as `pnpm server`
  return { script: args[0]!, dirs: [root, own] };
}

describe('README commands', () => {
  const commands = readmes().flatMap((f) => extractCommands(f, readFileSync(f, 'utf8')));

  it('finds the commands (the root README has test, demo, serve, generate and api-docs)', () => {
    const rootScripts = commands
      .filter((c) => c.file === join(root, 'README.md'))
      .map((c) => target(c)?.script)
      .filter(Boolean);
    for (const s of ['test', 'demo', 'serve', 'generate', 'api-docs'])
      expect(rootScripts).toContain(s);
  });

  it('each names a real script', () => {
    const missing = commands.filter((c) => {
      const t = target(c);
      return (
        t !== null &&
        !t.dirs.some((d) => existsSync(join(d, 'package.json')) && t.script in scriptsOf(d))
      );
    });
    expect(missing.map((c) => `${relative(root, c.file)}: ${c.text}`)).toEqual([]);
  });

  it('no root script is shadowed by a pnpm built-in', () => {
    expect(Object.keys(scriptsOf(root)).filter((s) => BUILTINS.has(s))).toEqual([]);
  });

  it('the extractor sees inline and fenced commands', () => {
    const found = extractCommands(
      'x/README.md',
      '```sh\nnpx -y pnpm@10.34.9 install && npx -y pnpm@10.34.9 test\n```\nRun `pnpm run serve --port 0`.\n',
    );
    expect(found.map((c) => c.args[0])).toEqual(['install', 'test', 'run']);
  });
});
