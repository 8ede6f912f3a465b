/**
 * Container behaviour, written once and parameterised by container type. Each class below is a
 * bag of methods whose prototype is copied onto the container classes that have the matching
 * capability (see `CAPABILITIES`); the operations they call are derived from `container_type`.
 */
import type { FileSpec } from '../files/file-spec.js';
import type { Finder } from '../finders/finder.js';
import type { FileZipInfo, OpBody, OpJson, OpQuery } from '../client/op-types.js';
import type { DownloadDestination, DownloadOptions, ReadOptions } from '../client/platform.js';
import { CAPABILITIES, fileOp, type ContainerType, type FileOpKind } from './capabilities.js';
import { fieldsOf } from './context.js';
import type { ResourceModel } from './base.js';
import type { ContainerModel } from './containers.js';
import type { FileEntry } from './file-entry.js';
import type { Analysis } from './containers.js';

/** A container reference (`{ type, id }`), as used for job inputs and destinations. */
export interface ContainerRef {
  type: string;
  id: string;
}

/** A file reference (`{ type, id, name }`): the parent container plus the file name. */
export interface FileRef extends ContainerRef {
  name: string;
}

/** Anything accepted where a file upload is expected: a FileSpec, or a local path (Node). */
export type UploadInput = FileSpec | string;

export type { FileZipInfo };

/** Tag methods (every container type). */
export class TagMethods {
  /** Add a tag (`POST /{types}/{id}/tags`). */
  async addTag(this: ContainerModel, tag: string): Promise<void> {
    await this._client.callOp(`add_${this.container_type}_tag`, this.id, { value: tag });
  }
  /** Rename a tag. */
  async renameTag(this: ContainerModel, tag: string, newTag: string): Promise<void> {
    await this._client.callOp(`rename_${this.container_type}_tag`, this.id, tag, { value: newTag });
  }
  /** Remove a tag. */
  async deleteTag(this: ContainerModel, tag: string): Promise<void> {
    await this._client.callOp(`delete_${this.container_type}_tag`, this.id, tag);
  }
}

/** Note methods. */
export class NoteMethods {
  /** Add a note (`POST /{types}/{id}/notes`). */
  async addNote(this: ContainerModel, text: string): Promise<void> {
    await this._client.callOp(`add_${this.container_type}_note`, this.id, { text });
  }
  /** Delete a note by its id. */
  async deleteNote(this: ContainerModel, noteId: string): Promise<void> {
    await this._client.callOp(`delete_${this.container_type}_note`, this.id, noteId);
  }
}

/** A permission entry: user id (email) and access level. */
export type Permission = OpBody<'add_project_permission'>;

/** Permission methods (groups, projects, collections). */
export class PermissionMethods {
  /** Grant a user access: `addPermission({ _id: 'user@example.com', access: 'rw' })`. */
  async addPermission(this: ContainerModel, permission: Permission): Promise<void> {
    await this._client.callOp(`add_${this.container_type}_permission`, this.id, permission);
  }
  /** Change a user's access. */
  async updatePermission(
    this: ContainerModel,
    userId: string,
    permission: Partial<Permission>,
  ): Promise<void> {
    await this._client.callOp(
      `modify_${this.container_type}_user_permission`,
      this.id,
      userId,
      permission,
    );
  }
  /** Remove a user's access. */
  async deletePermission(this: ContainerModel, userId: string): Promise<void> {
    await this._client.callOp(`delete_${this.container_type}_user_permission`, this.id, userId);
  }
}

/** Free-form `info` methods. */
export class InfoMethods {
  /** Replace the whole `info` object. */
  async replaceInfo(this: ContainerModel, info: Record<string, unknown>): Promise<void> {
    await this._client.callOp(`modify_${this.container_type}_info`, this.id, { replace: info });
  }
  /** Merge keys into `info` (others untouched). */
  async updateInfo(this: ContainerModel, info: Record<string, unknown>): Promise<void> {
    await this._client.callOp(`modify_${this.container_type}_info`, this.id, {
      set: fieldsOf(info, 'updateInfo'),
    });
  }
  /** Remove keys from `info`: `deleteInfo('a', 'b')` or `deleteInfo(['a', 'b'])`. */
  async deleteInfo(this: ContainerModel, ...keys: (string | string[])[]): Promise<void> {
    await this._client.callOp(`modify_${this.container_type}_info`, this.id, {
      delete: keys.flat(),
    });
  }
}

function callFileOp(self: ContainerModel, kind: FileOpKind, ...args: unknown[]): Promise<any> {
  return self._client.callOp(fileOp(self.container_type, kind), self.id, ...args);
}

/** Options of `uploadFile`. */
export interface UploadFileOptions {
  /**
   * File metadata (`type`, `modality`, `classification`, `info`, `tags`): one object for every
   * file (each file gets its own copy), an array with one object per file, or JSON text.
   */
  metadata?: Record<string, unknown> | Record<string, unknown>[] | string;
  /** Upload progress over all files. */
  onProgress?: (progress: { loaded: number; total?: number }) => void;
  signal?: AbortSignal;
}

/** File methods, addressed by file name on the container. */
export class FileMethods {
  /**
   * Upload one or several files (FileSpecs, or local paths on Node); resolves to the saved
   * `FileEntry` objects (one per file, with this container as `parent`). Runs the signed-URL flow
   * when the site offers it, else one multipart POST (see `files/upload-flow.ts`).
   */
  async uploadFile(
    this: ContainerModel,
    file: UploadInput | UploadInput[],
    options: UploadFileOptions = {},
  ): Promise<FileEntry[]> {
    const result = await callFileOp(this, 'upload', file, options);
    const entries = (Array.isArray(result) ? result : []) as FileEntry[];
    for (const e of entries) e.parent = this;
    return entries;
  }
  /** Stream a file to `dest` (a path on Node, or a WritableStream). */
  async downloadFile(
    this: ContainerModel,
    name: string,
    dest: DownloadDestination,
    options: DownloadOptions = {},
  ): Promise<void> {
    await callFileOp(this, 'download', name, dest, options);
  }
  /** A file's bytes, in memory. */
  readFile(this: ContainerModel, name: string, options: ReadOptions = {}): Promise<Uint8Array> {
    return callFileOp(this, 'read', name, options);
  }
  /** A one-time URL that downloads the file without an API key. */
  getFileDownloadUrl(this: ContainerModel, name: string): Promise<string> {
    return callFileOp(this, 'url', name);
  }
  /** The member listing of a zip file. */
  getFileZipInfo(this: ContainerModel, name: string): Promise<FileZipInfo> {
    return callFileOp(this, 'zipInfo', name);
  }
  /** Stream one zip member to `dest`. */
  async downloadFileZipMember(
    this: ContainerModel,
    name: string,
    memberPath: string,
    dest: DownloadDestination,
  ): Promise<void> {
    await callFileOp(this, 'download', name, dest, { member: memberPath });
  }
  /** One zip member's bytes. */
  readFileZipMember(this: ContainerModel, name: string, memberPath: string): Promise<Uint8Array> {
    return callFileOp(this, 'read', name, { member: memberPath });
  }
  /** Change file attributes (`type`, `modality`, …). */
  updateFile(
    this: ContainerModel,
    name: string,
    fields: OpBody<'modify_project_file'>,
  ): Promise<OpJson<'modify_project_file'>> {
    return callFileOp(this, 'modify', name, fieldsOf(fields, 'updateFile'));
  }
  /** Delete a file. */
  async deleteFile(this: ContainerModel, name: string): Promise<void> {
    await callFileOp(this, 'delete', name);
  }
  /** Replace a file's whole `info`. */
  async replaceFileInfo(
    this: ContainerModel,
    name: string,
    info: Record<string, unknown>,
  ): Promise<void> {
    await this._client.callOp(`modify_${this.container_type}_file_info`, this.id, name, {
      replace: info,
    });
  }
  /** Merge keys into a file's `info`. */
  async updateFileInfo(
    this: ContainerModel,
    name: string,
    info: Record<string, unknown>,
  ): Promise<void> {
    await this._client.callOp(`modify_${this.container_type}_file_info`, this.id, name, {
      set: fieldsOf(info, 'updateFileInfo'),
    });
  }
  /** Remove keys from a file's `info`. */
  async deleteFileInfo(
    this: ContainerModel,
    name: string,
    ...keys: (string | string[])[]
  ): Promise<void> {
    await this._client.callOp(`modify_${this.container_type}_file_info`, this.id, name, {
      delete: keys.flat(),
    });
  }
  /** Replace a file's classification, optionally setting its modality in the same call. */
  async replaceFileClassification(
    this: ContainerModel,
    name: string,
    classification: Record<string, string[]>,
    options: { modality?: string } = {},
  ): Promise<void> {
    const body: Record<string, unknown> = { replace: classification };
    if (options.modality !== undefined) body['modality'] = options.modality;
    await callFileOp(this, 'modifyClassification', name, body);
  }
  /** Add values to a file's classification (existing values and modality kept). */
  async updateFileClassification(
    this: ContainerModel,
    name: string,
    classification: Record<string, string[]>,
  ): Promise<void> {
    await callFileOp(this, 'modifyClassification', name, { add: classification });
  }
  /** Remove values from a file's classification. */
  async deleteFileClassification(
    this: ContainerModel,
    name: string,
    classification: Record<string, string[]>,
  ): Promise<void> {
    await callFileOp(this, 'modifyClassification', name, { delete: classification });
  }
  /** The container's files (fetched when this copy has none), each with this object as `parent`. */
  async getFiles(this: ContainerModel): Promise<FileEntry[]> {
    const own = (this as { files?: FileEntry[] }).files;
    const files = Array.isArray(own)
      ? own
      : (((await this.reload()) as { files?: FileEntry[] }).files ?? []);
    for (const f of files) f.parent = this;
    return files;
  }
  /** The file with this name, or `null`. */
  async getFile(this: ContainerModel, name: string): Promise<FileEntry | null> {
    const files = await (this as unknown as FileMethods).getFiles.call(this);
    return files.find((f) => f.name === name) ?? null;
  }
  /** `{ type, id, name }` reference to one of this container's files. */
  fileRef(this: ContainerModel, name: string): FileRef {
    return { ...this.ref(), name };
  }
}

/** Options of `downloadTar`. */
export interface DownloadTarOptions {
  /** Only files of these types (`dicom`, `nifti`…). */
  includeTypes?: string[];
  /** Skip files of these types. */
  excludeTypes?: string[];
  onProgress?: (progress: { loaded: number; total?: number }) => void;
}

/** Archive download of a container's files. */
export class TarMethods {
  /** Download this container as a tar archive to `dest` (see `Client.downloadTar`). */
  downloadTar(
    this: ContainerModel,
    dest: DownloadDestination,
    options: DownloadTarOptions = {},
  ): Promise<unknown> {
    return (
      this._client as unknown as {
        downloadTar(c: unknown[], d: unknown, o: unknown): Promise<unknown>;
      }
    ).downloadTar([this], dest, options);
  }
  /** Download this container as a zip archive to `dest` (see `Client.downloadZip`). */
  downloadZip(
    this: ContainerModel,
    dest: DownloadDestination,
    options: DownloadTarOptions = {},
  ): Promise<unknown> {
    return (
      this._client as unknown as {
        downloadZip(c: unknown[], d: unknown, o: unknown): Promise<unknown>;
      }
    ).downloadZip([this], dest, options);
  }
}

/** Body of an analysis creation. */
export type AnalysisFields = OpBody<'add_project_analysis'>;

/** Analyses under a container. */
export class AnalysisMethods {
  /**
   * Create an analysis here (`POST /{types}/{id}/analyses?job=true`), then fetch it. The
   * `analyses` field is the embedded list; `analysesFinder` pages the list endpoint.
   */
  async addAnalysis(this: ContainerModel, fields: AnalysisFields): Promise<Analysis> {
    const id = (await this._client.callOp(
      `add_${this.container_type}_analysis`,
      this.id,
      fieldsOf(fields, 'addAnalysis'),
    )) as string;
    return this._client.callOp('get_analysis', id);
  }
  /** Finder over this container's analyses (named so because `analyses` is a data field). */
  get analysesFinder(): Finder<Analysis> {
    const self = this as unknown as ContainerModel;
    return cachedFinder(self, 'analysesFinder', `get_${self.container_type}_analyses`);
  }
}

/** Get (and cache, hidden) a value on an object, e.g. a finder. */
export function cached<T>(self: object, key: string, make: () => T): T {
  const store = self as Record<string, T | undefined>;
  const hiddenKey = `__cached_${key}`;
  let value = store[hiddenKey];
  if (value === undefined) {
    value = make();
    Object.defineProperty(self, hiddenKey, { value, enumerable: false });
  }
  return value;
}

/** A child finder on a container (`project.sessions` → `get_project_sessions`), cached. */
export function cachedFinder<T>(self: ContainerModel, name: string, op: string): Finder<T> {
  return cached(self, name, () =>
    self._client.listFinder<T>(op, [self.id], `${self.container_type}.${name}`),
  );
}

/** Install the child-finder getters of a type (`project.sessions`, …) from the capability table. */
export function installFinders(cls: { prototype: object }, type: ContainerType): void {
  for (const [name, op] of Object.entries(CAPABILITIES[type].finders)) {
    Object.defineProperty(cls.prototype, name, {
      configurable: true,
      get(this: ContainerModel) {
        return cachedFinder(this, name, op);
      },
    });
  }
}

/** `update()` (installed on containers, jobs and users; typed per class). */
export class UpdateMethods {
  /**
   * Change fields on the server (`PUT /{types}/{id}`). The local object is NOT changed:
   * call `reload()` for a fresh copy.
   */
  async update(this: ResourceModel, fields: object): Promise<void> {
    await this._client.callOp(`modify_${this.container_type}`, this.id, fieldsOf(fields, 'update'));
  }
}

/** Copy the methods (and accessors) of mixin classes onto a class prototype. */
export function applyMixins(
  target: { prototype: object },
  mixins: readonly { prototype: object }[],
): void {
  for (const mixin of mixins) {
    for (const name of Object.getOwnPropertyNames(mixin.prototype)) {
      if (name === 'constructor') continue;
      Object.defineProperty(
        target.prototype,
        name,
        Object.getOwnPropertyDescriptor(mixin.prototype, name)!,
      );
    }
  }
}

export type { OpQuery };
