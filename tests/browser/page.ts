/**
 * Runs in the browser page (bundled by esbuild from @fw/sdk's neutral entry). Each check is a
 * function on `window.fwChecks` that the test calls with page.evaluate and whose answer it asserts.
 */
import { Client, FileSpec, NotFoundError } from '@fw/sdk';

declare global {
  interface Window {
    fwChecks: Record<string, (...args: any[]) => Promise<unknown>>;
  }
}

const client = (key: string) => new Client(key);

window.fwChecks = {
  async currentUser(key: string) {
    const me = await client(key).getCurrentUser();
    return { id: me._id, firstname: me.firstname };
  },

  async finders(key: string, group: string) {
    const fw = client(key);
    const labels: string[] = [];
    for await (const p of fw.projects.iterFind(`group=${group}`, { sort: 'label:asc' }))
      labels.push(p.label!);
    const first = await fw.projects.findFirst(`label=${labels[0]}`);
    return { labels, first: first?.label ?? null };
  },

  async uploadAndRead(key: string, projectId: string, size: number) {
    const fw = client(key);
    const project = await fw.getProject(projectId);
    const bytes = new Uint8Array(size).map((_, i) => (i * 7) % 251);
    const file = new File([bytes], 'page-upload.bin', { type: 'application/octet-stream' });
    const progress: { loaded: number; total?: number }[] = [];
    const saved = await project.uploadFile(new FileSpec(file.name, file), {
      onProgress: (p) => progress.push({ ...p }),
    });
    const blobSaved = await project.uploadFile(
      new FileSpec('page-blob.txt', new Blob(['hello from the page\n']), 'text/plain'),
    );
    const back = await project.readFile('page-upload.bin');
    let same = back.byteLength === bytes.byteLength;
    for (let i = 0; same && i < bytes.length; i++) same = back[i] === bytes[i];
    const text = new TextDecoder().decode(await project.readFile('page-blob.txt'));
    return {
      saved: saved.map((f) => ({ name: f.name, size: f.size })),
      blobSaved: blobSaved.map((f) => f.name),
      progress,
      same,
      text,
    };
  },

  async downloadToWritable(key: string, projectId: string) {
    const fw = client(key);
    const chunks: Uint8Array[] = [];
    const sink = new WritableStream<Uint8Array>({
      write(chunk) {
        chunks.push(chunk);
      },
    });
    const progress: number[] = [];
    await fw.downloadFileFromProject(projectId, 'page-blob.txt', sink, {
      onProgress: (p) => progress.push(p.loaded),
    });
    const all = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
    let o = 0;
    for (const c of chunks) {
      all.set(c, o);
      o += c.byteLength;
    }
    return { text: new TextDecoder().decode(all), lastProgress: progress.at(-1) ?? null };
  },

  async abort(key: string, projectId: string) {
    const fw = client(key);
    await fw.getCurrentUser(); // the key check is done: the abort hits the upload itself
    const controller = new AbortController();
    const big = new Blob([new Uint8Array(8 * 1024 * 1024)]);
    const pending = fw.uploadFileToProject(projectId, new FileSpec('aborted.bin', big), {
      signal: controller.signal,
    });
    controller.abort(new Error('stop'));
    try {
      await pending;
      return { rejected: false };
    } catch (e) {
      const err = e as Error;
      const files = (await fw.getProject(projectId)).files ?? [];
      return {
        rejected: true,
        name: err.name,
        saved: files.some((f) => f.name === 'aborted.bin'),
      };
    }
  },

  async notFound(key: string) {
    try {
      await client(key).getProject('000000000000000000000000');
      return { thrown: false };
    } catch (e) {
      return {
        thrown: true,
        isNotFound: e instanceof NotFoundError,
        status: (e as NotFoundError).status,
      };
    }
  },
};
