/**
 * The smoke script: current user, a finder, an upload with progress, a download to memory and an
 * error's status. `smoke-neutral.ts` and `smoke-node.ts` run it with each entry of @fw/sdk.
 * Prints one JSON line with what came back; the test asserts it.
 */
import type * as Sdk from '@fw/sdk';

type Env = { get(name: string): string | undefined };

export async function smoke(sdk: typeof Sdk, env: Env): Promise<void> {
  const fw = new sdk.Client(env.get('FW_API_KEY')!);
  const me = await fw.getCurrentUser();
  const projects = await fw.projects.find(`group=${env.get('FW_GROUP')}`, { sort: 'label:asc' });
  const project = projects[0]!;
  const size = 1024 * 1024 + 3;
  const bytes = new Uint8Array(size).map((_, i) => (i * 13) % 256);
  const progress: number[] = [];
  const saved = await project.uploadFile(new sdk.FileSpec('smoke.bin', bytes), {
    onProgress: (p) => progress.push(p.loaded),
  });
  const back = await project.readFile('smoke.bin');
  let same = back.byteLength === size;
  for (let i = 0; same && i < size; i++) same = back[i] === bytes[i];
  let status: number | undefined;
  let isNotFound = false;
  try {
    await fw.getProject('000000000000000000000000');
  } catch (e) {
    status = (e as Sdk.ApiError).status;
    isNotFound = e instanceof sdk.NotFoundError;
  }
  console.log(
    JSON.stringify({
      user: me._id,
      projects: projects.map((p) => p.label),
      saved: saved.map((f) => [f.name, f.size]),
      progressEvents: progress.length,
      lastProgress: progress.at(-1),
      same,
      status,
      isNotFound,
    }),
  );
}
