/**
 * The client's file helpers, installed on `Client` by `installClientFileMethods` (kept apart from
 * `client.ts`): `fw.files` (a finder over `GET /files`), `downloadTar` / `downloadZip` (one
 * archive of containers' files). `fw.getFile(fileId, { version })` is the generated
 * `GET /files/{file_id}` and already answers a `FileEntry`.
 */
import type { Finder, FinderParams } from '../finders/finder.js';
import type { FileEntry } from '../models/file-entry.js';
import { cached } from '../models/mixins.js';
import type { ClientCore } from './core.js';
import type { BodyOf, OpJson, OpQuery } from './op-types.js';
import type { DownloadDestination, DownloadOptions } from './platform.js';

/** Something an archive download takes: a container object or a `{ type, id }` reference. */
export type ArchiveTarget = { container_type: string; id: string } | { type: string; id: string };

/** Options of `downloadTar` / `downloadZip`. */
export interface DownloadArchiveOptions extends DownloadOptions {
  /** Only files of these types. */
  includeTypes?: string[];
  /** Skip files of these types. */
  excludeTypes?: string[];
}

/** The ticket summary `POST /download` answers (`ticket`, `file_cnt`, `size`). */
export type DownloadTicketSummary = OpJson<'create_download_ticket'>;

type Core = ClientCore & {
  createDownloadTicket(body: BodyOf<'create_download_ticket'>): Promise<DownloadTicketSummary>;
};

/**
 * `POST /download` for a ticket over the containers, then stream
 * `GET /download?ticket=…&format=tar|zip` to `dest` (a path on Node: written to a temp file in
 * the same folder and renamed when complete, removed on any failure; or a WritableStream).
 */
export async function downloadArchive(
  client: Core,
  format: 'tar' | 'zip',
  containers: ArchiveTarget | readonly ArchiveTarget[],
  dest: DownloadDestination,
  options: DownloadArchiveOptions = {},
): Promise<DownloadTicketSummary> {
  const method = format === 'zip' ? 'downloadZip' : 'downloadTar';
  const list = Array.isArray(containers) ? containers : [containers as ArchiveTarget];
  const nodes = list.map((c: ArchiveTarget) => {
    const level = 'container_type' in c ? c.container_type : (c as { type?: string }).type;
    if (!level || !c.id)
      throw new TypeError(
        `${method}: unknown container specified (needs container_type/type and id)`,
      );
    return { level, _id: c.id };
  });
  if (nodes.length === 0) throw new TypeError(`${method}: no container given`);
  const { includeTypes, excludeTypes, ...downloadOptions } = options;
  // a bad local destination fails before the ticket is asked for
  let target = dest;
  if (typeof dest === 'string' && client._platform.prepareDestination)
    target = await client._platform.prepareDestination(dest);
  const body: Record<string, unknown> = { nodes, optional: true };
  if (includeTypes || excludeTypes) {
    body['filters'] = [
      {
        types: {
          ...(includeTypes ? { plus: includeTypes } : {}),
          ...(excludeTypes ? { minus: excludeTypes } : {}),
        },
      },
    ];
  }
  const summary = await client.createDownloadTicket(body as BodyOf<'create_download_ticket'>);
  const ticket = (summary as { ticket?: string }).ticket;
  if (!ticket) throw new Error(`${method}: the server returned no ticket`);
  await client._download('download_ticket', [], target, {
    ...downloadOptions,
    ticket,
    format,
  } as DownloadOptions);
  return summary;
}

/** The methods installed on `Client`. */
export class ClientFileMethods {
  /**
   * Every file you can see (`GET /files`, a page answer), as `FileEntry` objects (latest
   * versions; `parent` is fetched from `parent_ref` on first use). Pages walk on `file_id`.
   */
  declare readonly files: Finder<FileEntry, FinderParams<OpQuery<'get_all_files'>>>;

  /** Download containers' files as one tar archive (`POST /download`, then `GET /download?ticket=…&format=tar`). */
  downloadTar(
    this: Core,
    containers: ArchiveTarget | readonly ArchiveTarget[],
    dest: DownloadDestination,
    options: DownloadArchiveOptions = {},
  ): Promise<DownloadTicketSummary> {
    return downloadArchive(this, 'tar', containers, dest, options);
  }

  /** Download containers' files as one zip archive (`POST /download`, then `GET /download?ticket=…&format=zip`). */
  downloadZip(
    this: Core,
    containers: ArchiveTarget | readonly ArchiveTarget[],
    dest: DownloadDestination,
    options: DownloadArchiveOptions = {},
  ): Promise<DownloadTicketSummary> {
    return downloadArchive(this, 'zip', containers, dest, options);
  }
}

function filesFinder(client: ClientCore): Finder<FileEntry> {
  return client.listFinder<FileEntry>('get_all_files', [], 'fw.files', 'FileEntry');
}

/** Install the file helpers on the client class (called once by `client.ts`). */
export function installClientFileMethods(cls: { prototype: object }): void {
  for (const name of ['downloadTar', 'downloadZip'] as const) {
    Object.defineProperty(cls.prototype, name, {
      configurable: true,
      writable: true,
      value: ClientFileMethods.prototype[name],
    });
  }
  Object.defineProperty(cls.prototype, 'files', {
    configurable: true,
    get(this: ClientCore) {
      return cached(this, 'files', () => filesFinder(this));
    },
  });
}
