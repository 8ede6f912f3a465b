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

/** `size` bytes of a repeating pattern (not all zeros, so a shifted byte shows in the hash). */
function patterned(size: number): Uint8Array<ArrayBuffer> {
  return new Uint8Array(size).map((_, i) => (i * 7) % 251);
}

async function sha256(data: ArrayBuffer | Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', data as BufferSource);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** What the test asserts of a progress series (the whole series would be a large answer). */
function summary(progress: { loaded: number; total?: number }[]) {
  const total = progress[0]?.total;
  return {
    events: progress.length,
    first: progress[0] ?? null,
    last: progress.at(-1) ?? null,
    between: progress.filter((p) => p.loaded > 0 && total !== undefined && p.loaded < total).length,
    monotonic: progress.every((p, i) => i === 0 || p.loaded >= progress[i - 1]!.loaded),
    sameTotal: progress.every((p) => p.total === total),
  };
}

window.fwChecks = {
  async currentUser(key: string) {
    const me = await client(key).getCurrentUser();
    return { id: me._id, firstname: me.firstname };
  },

  async uploadText(key: string, projectId: string, name: string, text: string) {
    const project = await client(key).getProject(projectId);
    const saved = await project.uploadFile(new FileSpec(name, new Blob([text]), 'text/plain'));
    return saved.map((f) => ({ name: f.name, size: f.size }));
  },

  async readText(key: string, projectId: string, name: string) {
    const project = await client(key).getProject(projectId);
    return new TextDecoder().decode(await project.readFile(name));
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

  /**
   * An upload big enough for intermediate progress events (through XMLHttpRequest), then the
   * file read back and compared by SHA-256. `customFetch` gives the client its own fetch, which
   * must be honoured (and then only the start and the end are reported).
   */
  async uploadWithProgress(
    key: string,
    projectId: string,
    size: number,
    name: string,
    customFetch = false,
  ) {
    const fetchCalls: string[] = [];
    const fw = customFetch
      ? new Client(key, {
          fetch: (req) => {
            fetchCalls.push(req.method);
            return fetch(req);
          },
        })
      : client(key);
    const project = await fw.getProject(projectId);
    const file = new File([patterned(size)], name, { type: 'application/octet-stream' });
    const progress: { loaded: number; total?: number }[] = [];
    const saved = await project.uploadFile(new FileSpec(file.name, file), {
      onProgress: (p) => progress.push({ ...p }),
    });
    const back = await project.readFile(name);
    return {
      saved: saved.map((f) => ({ name: f.name, size: f.size })),
      ...summary(progress),
      sentHash: await sha256(await file.arrayBuffer()),
      backHash: await sha256(back),
      backSize: back.byteLength,
      fetchCalls,
    };
  },

  /** Abort an XHR upload once the first intermediate progress event has arrived. */
  async abortMidUpload(key: string, projectId: string, size: number) {
    const fw = client(key);
    await fw.getCurrentUser();
    const controller = new AbortController();
    const progress: number[] = [];
    try {
      await fw.uploadFileToProject(projectId, new FileSpec('mid-abort.bin', patterned(size)), {
        signal: controller.signal,
        onProgress: (p) => {
          progress.push(p.loaded);
          if (p.loaded > 0) controller.abort(new Error('stop'));
        },
      });
      return { rejected: false };
    } catch (e) {
      const files = (await fw.getProject(projectId)).files ?? [];
      return {
        rejected: true,
        name: (e as Error).name,
        abortedAfter: progress.at(-1) ?? null,
        saved: files.some((f) => f.name === 'mid-abort.bin'),
      };
    }
  },

  /** An XHR upload with a per-call time limit far shorter than the upload takes. */
  async uploadTimeout(key: string, projectId: string, size: number) {
    const fw = client(key);
    await fw.getCurrentUser();
    try {
      await fw.uploadFileToProject(projectId, new FileSpec('timed-out.bin', patterned(size)), {
        timeoutMs: 5,
        onProgress: () => undefined,
      });
      return { rejected: false };
    } catch (e) {
      const files = (await fw.getProject(projectId)).files ?? [];
      return {
        rejected: true,
        name: (e as Error).name,
        saved: files.some((f) => f.name === 'timed-out.bin'),
      };
    }
  },

  /** An XHR upload to a project that does not exist. */
  async uploadNotFound(key: string) {
    try {
      await client(key).uploadFileToProject(
        '000000000000000000000000',
        new FileSpec('nowhere.bin', patterned(1024 * 1024)),
        { onProgress: () => undefined },
      );
      return { thrown: false };
    } catch (e) {
      return {
        thrown: true,
        isNotFound: e instanceof NotFoundError,
        status: (e as NotFoundError).status,
        message: (e as Error).message,
        text: String(e),
      };
    }
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
