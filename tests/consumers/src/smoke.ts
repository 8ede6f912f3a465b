/**
 * The smoke script every consumer project runs, written out in the project's own module style.
 * It prints one JSON line that the test checks.
 */
export type Style = 'esm' | 'cjs';

const IMPORTS: Record<Style, string> = {
  esm: `import { Client as NeutralClient, SDK_VERSION } from '@fw/sdk';
import { Client, FileSpec, ApiError } from '@fw/sdk/node';
import { createApiClient } from '@fw/api';
import { readFileSync } from 'node:fs';
`,
  cjs: `const { Client: NeutralClient, SDK_VERSION } = require('@fw/sdk');
const { Client, FileSpec, ApiError } = require('@fw/sdk/node');
const { createApiClient } = require('@fw/api');
const { readFileSync } = require('node:fs');
`,
};

/**
 * The script's source. `ts` TypeScript compiles it as is (no annotations needed), so that one body
 * serves JavaScript and TypeScript; a CommonJS TypeScript project uses the `esm` import form,
 * which `module: node16` turns into `require` calls.
 */
export function smokeSource(style: Style): string {
  return `${IMPORTS[style]}
async function main() {
  const key = process.env.FW_API_KEY ?? '';
  const name = process.env.SMOKE_NAME ?? 'smoke';
  const out = process.env.SMOKE_OUT ?? 'downloaded.txt';

  // the neutral entry: the first call that broke under require('@fw/sdk')
  const neutral = new NeutralClient(key);
  const me = await neutral.getCurrentUser();

  const fw = new Client(key);
  await fw.addGroup({ _id: name, label: name });
  const group = await fw.getGroup(name);
  await group.addProject({ label: 'smoke project' });
  const project = await fw.projects.findOne('group=' + name + ',label=smoke project');

  const saved = await project.uploadFile(new FileSpec('hello.txt', 'hello from ' + name, 'text/plain'));
  const memory = new TextDecoder().decode(await project.readFile('hello.txt'));
  await project.downloadFile('hello.txt', out);
  const disk = readFileSync(out, 'utf8');

  let status = 0;
  try {
    await fw.getProject('5f0000000000000000000000');
  } catch (error) {
    status = error instanceof ApiError ? error.status : -1;
  }

  const api = createApiClient({ apiKey: key });
  const { data: self } = await api.GET('/users/self');

  console.log(
    JSON.stringify({
      user: me._id,
      apiUser: self._id,
      project: project.label,
      uploaded: saved.map((file) => file.name),
      memory,
      disk,
      status,
      version: SDK_VERSION,
    }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;
}
