/**
 * FileEntry: one version of a file stored on a container (v21 `FileOutput`, `FileListOutput`,
 * `FileNode`). Its identity is `file_id` (shared by all versions) plus `version`; `parent_ref`
 * (`{ type, id }`) names the container.
 *
 * - Operations on the file itself go through `/files/{file_id}…`: `reload()`
 *   (`GET /files/{file_id}?version=N`), tags (`PATCH|PUT|DELETE /files/{file_id}/tags`), info
 *   (`PATCH|PUT /files/{file_id}/info`), classification (`PUT /files/{file_id}/classification`),
 *   zip info (`GET /files/{file_id}/zip_info?version=N`), versions and restore.
 * - Downloads, reads, URLs, `update` and `delete` go through the parent container's file methods
 *   by name (the v21 API has no by-id download); downloads ask for this object's `version`.
 *   The parent is the container the file came from, else fetched once from `parent_ref`.
 */
import type { DownloadDestination, DownloadOptions, ReadOptions } from '../client/platform.js';
import type { OpBody, OpJson, Schemas } from '../client/op-types.js';
import { mapConcurrent } from '../files/concurrency.js';
import { EXPECTED_CONTENT, expectedContentOf } from '../files/verify.js';
import * as time from '../time/index.js';
import { Model, registerModel } from './base.js';
import { callOptions, keysAndOptions, type MethodOptions } from './context.js';
import type { WithDates } from './dates.js';
import type { ContainerModel } from './containers.js';
import type { FileRef, FileZipInfo } from './mixins.js';

type Classification = Record<string, string[]>;

/** `{ type, id }` of the container a file belongs to. */
export interface ParentRef {
  type: string;
  id: string;
}

/** One entry of `GET /files/{file_id}/versions` (`FileVersionOutput`). */
export type FileVersionInfo = WithDates<Schemas['FileVersionOutput']>;

/** Options of `FileEntry.restore`. */
export interface RestoreOptions extends MethodOptions {
  /** Let gear rules run on the restored version (`evaluate_gear_rules`). Default `false`. */
  evaluateGearRules?: boolean;
}

type ParentMethods = Record<string, (...a: unknown[]) => Promise<unknown>>;

/**
 * A file: one version of a named file attached to a container (project, subject, session,
 * acquisition, analysis or collection), with its type, modality, classification, `info` and
 * tags; download, read, update it or restore an earlier version from here. Wire model `FileEntry` (in containers)
 * or `FileOutput` (from `fw.files`).
 */
export class FileEntry extends Model {
  /**
   * The container this file belongs to (hidden from JSON): set when the file came from a
   * container, else fetched from `parent_ref` by the first method that needs it.
   */
  get parent(): ContainerModel | undefined {
    return this.#parent;
  }
  set parent(container: ContainerModel | undefined) {
    this.#parent = container;
  }
  // A private field behind the accessor: hidden like a non-enumerable property, but a plain field.
  #parent: ContainerModel | undefined = undefined;

  protected override init(): void {
    (this as { container_type: string }).container_type = 'file';
  }

  /** `{ type, id, name }` of the parent container plus this file's name. */
  ref(): FileRef {
    if (this.parent) return { ...this.parent.ref(), name: this.name };
    const p = this.parent_ref;
    if (p?.type && p.id) return { type: p.type, id: p.id, name: this.name };
    throw this.noParent('ref');
  }

  /** `replaced` in the system time zone. */
  get localReplaced(): time.ZonedDateTime | null {
    return time.localReplaced(this as time.HasReplaced);
  }
  /** `created` in the system time zone. */
  get localCreated(): time.ZonedDateTime | null {
    return time.localCreated(this as time.HasCreatedModified);
  }
  /** `modified` in the system time zone. */
  get localModified(): time.ZonedDateTime | null {
    return time.localModified(this as time.HasCreatedModified);
  }

  /** The parent container: the one this file came from, else `GET /{type}s/{id}` from `parent_ref` (once). */
  async getParent(): Promise<ContainerModel> {
    if (this.parent) return this.parent;
    const p = this.parent_ref;
    if (!p?.type || !p.id) throw this.noParent('getParent');
    this.parent = (await this._client.callOp(`get_${p.type}`, p.id)) as ContainerModel;
    return this.parent;
  }

  /** @internal */
  requireFileId(method: string): string {
    if (typeof this.file_id !== 'string' || this.file_id === '') {
      throw new Error(
        `FileEntry "${this.name}" has no file_id, so ${method}() cannot address it; reload it from its container`,
      );
    }
    return this.file_id;
  }

  private noParent(method: string): Error {
    return new Error(
      `FileEntry "${this.name}" has no parent container or parent_ref, so ${method}() cannot address it; get the file from its container (container.files / getFile(name)) or with fw.getFile(fileId).`,
    );
  }

  private async viaParent(method: string, target: string, ...args: unknown[]): Promise<unknown> {
    const parent = (await this.getParent()) as unknown as ParentMethods;
    if (typeof parent[target] !== 'function') {
      throw new Error(
        `${String((parent as { container_type?: unknown })['container_type'])} objects have no ${target}(), so FileEntry.${method}() is unavailable`,
      );
    }
    return parent[target]!(this.name, ...args);
  }

  private versionQuery(): { version?: number } {
    return typeof this.version === 'number' ? { version: this.version } : {};
  }

  private wrapSibling(raw: unknown): FileEntry {
    const f = raw as FileEntry;
    if (f instanceof FileEntry && this.parent) f.parent = this.parent;
    return f;
  }

  // ---- by file_id -----------------------------------------------------------------------------

  /** This version fetched again (`GET /files/{file_id}?version=N`), as a new object. */
  async reload(options?: MethodOptions): Promise<FileEntry> {
    const raw = await this._client.callOp('get_file', this.requireFileId('reload'), {
      ...this.versionQuery(),
      ...callOptions(options),
    });
    return this.wrapSibling(raw);
  }

  /**
   * Every version of this file, oldest first, as file objects: `GET /files/{file_id}/versions`,
   * then `GET /files/{file_id}?version=N` for each (four at a time).
   */
  async getVersions(options?: MethodOptions): Promise<FileEntry[]> {
    const fileId = this.requireFileId('getVersions');
    const call = callOptions(options);
    const list = (await this._client.callOp(
      'get_file_versions',
      fileId,
      call,
    )) as FileVersionInfo[];
    const versions = [...(list ?? [])].sort((a, b) => a.version - b.version);
    return mapConcurrent(versions, 4, async (v) =>
      this.wrapSibling(
        await this._client.callOp('get_file', fileId, { version: v.version, ...call }),
      ),
    );
  }

  /** The version list as the server gives it (`FileVersionOutput`: version, created, origin, restored_from). */
  async getVersionInfo(options?: MethodOptions): Promise<FileVersionInfo[]> {
    return (await this._client.callOp(
      'get_file_versions',
      this.requireFileId('getVersionInfo'),
      callOptions(options),
    )) as FileVersionInfo[];
  }

  /**
   * Make `version` the newest again (`POST /files/{file_id}/restore?version=N`): the server saves
   * a new version with that version's content; resolves to it.
   */
  async restore(version: number, options: RestoreOptions = {}): Promise<FileEntry> {
    const raw = await this._client.callOp('restore_file', this.requireFileId('restore'), {
      version,
      evaluate_gear_rules: options.evaluateGearRules ?? false,
      ...callOptions(options),
    });
    return this.wrapSibling(raw);
  }

  /** Add tags (`PATCH /files/{file_id}/tags`); resolves to the file's tags afterwards. */
  async addTags(tags: readonly string[], options?: MethodOptions): Promise<string[]> {
    return (await this._client.callOp(
      'add_file_tags',
      this.requireFileId('addTags'),
      [...tags],
      callOptions(options),
    )) as string[];
  }
  /** Add one tag (`PATCH /files/{file_id}/tags`). */
  async addTag(tag: string, options?: MethodOptions): Promise<string[]> {
    return this.addTags([tag], options);
  }
  /** Replace all tags (`PUT /files/{file_id}/tags`). */
  async setTags(tags: readonly string[], options?: MethodOptions): Promise<void> {
    await this._client.callOp(
      'set_file_tags',
      this.requireFileId('setTags'),
      [...tags],
      callOptions(options),
    );
  }
  /** Remove tags (`DELETE /files/{file_id}/tags` with the list: no read-modify-write). */
  async deleteTags(tags: readonly string[], options?: MethodOptions): Promise<void> {
    await this._client.callOp(
      'delete_file_tags',
      this.requireFileId('deleteTags'),
      [...tags],
      callOptions(options),
    );
  }
  /** Remove one tag (`DELETE /files/{file_id}/tags`). */
  async deleteTag(tag: string, options?: MethodOptions): Promise<void> {
    await this.deleteTags([tag], options);
  }
  /** Rename a tag: add the new one (`PATCH`), then remove the old one (`DELETE`); other tags are never rewritten. */
  async renameTag(tag: string, newTag: string, options?: MethodOptions): Promise<void> {
    if (tag === newTag) return;
    await this.addTags([newTag], options);
    await this.deleteTags([tag], options);
  }

  /** The file's `info` as stored now (`GET /files/{file_id}/info`). */
  async getInfo(options?: MethodOptions): Promise<Record<string, unknown>> {
    return (await this._client.callOp(
      'get_file_info',
      this.requireFileId('getInfo'),
      callOptions(options),
    )) as Record<string, unknown>;
  }
  /** Replace the whole `info` (`PUT /files/{file_id}/info`). */
  async replaceInfo(info: Record<string, unknown>, options?: MethodOptions): Promise<void> {
    await this._client.callOp(
      'replace_file_info',
      this.requireFileId('replaceInfo'),
      info,
      callOptions(options),
    );
  }
  /** Merge keys into `info` (`PATCH /files/{file_id}/info` `{ set }`). */
  async updateInfo(info: Record<string, unknown>, options?: MethodOptions): Promise<void> {
    await this._client.callOp(
      'modify_file_info',
      this.requireFileId('updateInfo'),
      { set: info },
      callOptions(options),
    );
  }
  /** Remove keys from `info` (`PATCH /files/{file_id}/info` `{ delete }`); call options after an array: `deleteInfo(['a'], { signal })`. */
  deleteInfo(...keys: (string | string[])[]): Promise<void>;
  deleteInfo(keys: string[], options?: MethodOptions): Promise<void>;
  async deleteInfo(...args: unknown[]): Promise<void> {
    const { keys, options } = keysAndOptions(args);
    await this._client.callOp(
      'modify_file_info',
      this.requireFileId('deleteInfo'),
      { delete: keys },
      options,
    );
  }

  /** Replace the classification, optionally with the modality (`PUT /files/{file_id}/classification` `{ replace, modality }`). */
  async replaceClassification(
    classification: Classification,
    options: { modality?: string } & MethodOptions = {},
  ): Promise<void> {
    await this._client.callOp(
      'modify_file_classification',
      this.requireFileId('replaceClassification'),
      {
        replace: classification,
        ...(options.modality !== undefined ? { modality: options.modality } : {}),
      },
      callOptions(options),
    );
  }
  /** Add classification values (`PUT /files/{file_id}/classification` `{ add }`). */
  async updateClassification(
    classification: Classification,
    options?: MethodOptions,
  ): Promise<void> {
    await this._client.callOp(
      'modify_file_classification',
      this.requireFileId('updateClassification'),
      { add: classification },
      callOptions(options),
    );
  }
  /** Remove classification values (`PUT /files/{file_id}/classification` `{ delete }`). */
  async deleteClassification(
    classification: Classification,
    options?: MethodOptions,
  ): Promise<void> {
    await this._client.callOp(
      'modify_file_classification',
      this.requireFileId('deleteClassification'),
      { delete: classification },
      callOptions(options),
    );
  }

  /** The member listing of this version, when it is a zip (`GET /files/{file_id}/zip_info?version=N`). */
  async getZipInfo(options?: MethodOptions): Promise<FileZipInfo> {
    return (await this._client.callOp('get_file_zip_info', this.requireFileId('getZipInfo'), {
      ...this.versionQuery(),
      ...callOptions(options),
    })) as FileZipInfo;
  }

  // ---- through the parent container, by name -----------------------------------------------------

  /**
   * Stream this version to `dest` (a path on Node, or a WritableStream). The bytes must match this
   * entry's `size` and `hash`, else `DownloadError` (and no file at a path).
   */
  async download(dest: DownloadDestination, options: DownloadOptions = {}): Promise<void> {
    await this.viaParent('download', 'downloadFile', dest, this.pinned(options));
  }
  /** This version's bytes, checked against this entry's `size` and `hash` like `download`. */
  async read(options: ReadOptions = {}): Promise<Uint8Array> {
    return (await this.viaParent('read', 'readFile', this.pinned(options))) as Uint8Array;
  }

  /** Options asking for this version, carrying its size and hash when the version is pinned. */
  private pinned<T extends object>(options: T): T {
    const out = { ...this.versionQuery(), ...options };
    // a caller's other version (or a version-less entry) gets what the server sends, unchecked
    const same = typeof this.version === 'number' && out.version === this.version;
    const expected = same ? expectedContentOf(this) : undefined;
    return (expected ? { ...out, [EXPECTED_CONTENT]: expected } : out) as T;
  }
  /** A one-time download URL usable without an API key. */
  async url(options?: MethodOptions): Promise<string> {
    return (await this.viaParent('url', 'getFileDownloadUrl', options)) as string;
  }
  /** Change file attributes (`type`, `modality`…). The local object is unchanged. */
  async update(
    fields: OpBody<'modify_project_file'>,
    options?: MethodOptions,
  ): Promise<OpJson<'modify_project_file'>> {
    return (await this.viaParent(
      'update',
      'updateFile',
      fields,
      options,
    )) as OpJson<'modify_project_file'>;
  }
  /** Delete the file (every version) from its container. */
  async delete(options?: MethodOptions): Promise<void> {
    await this.viaParent('delete', 'deleteFile', options);
  }
  /** Stream one zip member to `dest`. */
  async downloadZipMember(
    memberPath: string,
    dest: DownloadDestination,
    options: DownloadOptions = {},
  ): Promise<void> {
    await this.viaParent('downloadZipMember', 'downloadFileZipMember', memberPath, dest, options);
  }
  /** One zip member's bytes. */
  async readZipMember(memberPath: string, options: ReadOptions = {}): Promise<Uint8Array> {
    return (await this.viaParent(
      'readZipMember',
      'readFileZipMember',
      memberPath,
      options,
    )) as Uint8Array;
  }
}

export interface FileEntry extends WithDates<Schemas['FileEntry']> {
  readonly container_type: 'file';
  name: string;
  /** The file's id, shared by all its versions (`/files/{file_id}`). */
  file_id: string;
  /** This object's version (1 for the first upload of a name; each re-upload adds one). */
  version: number;
  /** The container the file belongs to. */
  parent_ref?: ParentRef;
}

registerModel(FileEntry as never, ['FileEntry'], 'file');
