/**
 * Container behaviour, written once and parameterised by container type. Each class below is a
 * bag of methods whose prototype is copied onto the container classes that have the matching
 * capability (see `CAPABILITIES`); the operations they call are derived from `container_type`.
 */
import type { FileSpec } from '../files/file-spec.js';
import type { Finder, FinderParams } from '../finders/finder.js';
import type { FileZipInfo, OpBody, OpJson, OpQuery, Schemas } from '../client/op-types.js';
import type { DownloadDestination, DownloadOptions, ReadOptions } from '../client/platform.js';
import { CAPABILITIES, fileOp, type ContainerType, type FileOpKind } from './capabilities.js';
import { callOptions, fieldsOf, keysAndOptions, type MethodOptions } from './context.js';
import type { WithDates } from './dates.js';
import type { ResourceModel } from './base.js';
import type { ContainerModel } from './containers.js';
import type { FileEntry } from './file-entry.js';
import { withKnownContent } from '../files/verify.js';
import type { Analysis, AnalysisListOutput } from './containers.js';

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
  async addTag(this: ContainerModel, tag: string, options?: MethodOptions): Promise<void> {
    await this._client.callOp(
      `add_${this.container_type}_tag`,
      this.id,
      { value: tag },
      callOptions(options),
    );
  }
  /** Rename a tag (`PUT /{types}/{id}/tags/{value}` with `{ value: newTag }`). */
  async renameTag(
    this: ContainerModel,
    tag: string,
    newTag: string,
    options?: MethodOptions,
  ): Promise<void> {
    await this._client.callOp(
      `rename_${this.container_type}_tag`,
      this.id,
      tag,
      { value: newTag },
      callOptions(options),
    );
  }
  /** Remove a tag (`DELETE /{types}/{id}/tags/{value}`). */
  async deleteTag(this: ContainerModel, tag: string, options?: MethodOptions): Promise<void> {
    await this._client.callOp(
      `delete_${this.container_type}_tag`,
      this.id,
      tag,
      callOptions(options),
    );
  }
}

/** A note as the server stores it (`_id`, `text`, `user`, `created`, `modified`). */
export type Note = WithDates<Schemas['Note']>;

/** Note methods. */
export class NoteMethods {
  /** Add a note (`POST /{types}/{id}/notes` with `{ text }`); resolves to the stored note. */
  addNote(this: ContainerModel, text: string, options?: MethodOptions): Promise<Note> {
    return this._client.callOp(
      `add_${this.container_type}_note`,
      this.id,
      { text },
      callOptions(options),
    );
  }
  /** Delete a note by its id (`DELETE /{types}/{id}/notes/{note_id}`). */
  async deleteNote(this: ContainerModel, noteId: string, options?: MethodOptions): Promise<void> {
    await this._client.callOp(
      `delete_${this.container_type}_note`,
      this.id,
      noteId,
      callOptions(options),
    );
  }
}

/** An access-based permission (groups, collections): `{ _id: 'user@example.com', access: 'rw' }`. */
export type AccessPermission = Schemas['AccessPermission'];
/** A change of an access-based permission (`{ access }`). */
export type AccessPermissionUpdate = Schemas['AccessPermissionUpdate'];
/** An access-based permission as the server answers it. */
export type AccessPermissionOutput = Schemas['AccessPermissionOutput'];
/** A role-based permission (projects, group templates): `{ _id: 'user@example.com', role_ids: [roleId] }`. */
export type RolePermission = Schemas['RolePermission'];
/** A change of a role-based permission (`{ role_ids }`). */
export type RolePermissionUpdate = Schemas['RolePermissionUpdate'];
/** A role-based permission as the server answers it. */
export type RolePermissionOutput = Schemas['RolePermissionOutput'];
/** Any permission entry (access based or role based). */
export type Permission = AccessPermission | RolePermission;

/** Answer of the permission and template deletions. */
export type ModifiedResult = Schemas['ModifiedResult'];

/**
 * One permission method, installed by `installPermissionOps`: its name, its operation (`{type}`
 * stands for the container type) and whether its options also carry query parameters
 * (`propagate`) rather than call options only. The operation's verb gives the arguments: `add`
 * takes a body, `get` and `delete` a user id, `modify` a user id and a body; `delete` resolves
 * to nothing.
 */
interface PermissionOp {
  name: string;
  op: string;
  query?: boolean;
}

/** Define each op of the table on `cls.prototype` (one pattern instead of one method per op). */
function installPermissionOps(cls: { prototype: object }, ops: readonly PermissionOp[]): void {
  for (const { name, op, query } of ops) {
    const verb = op.slice(0, op.indexOf('_'));
    const call = (self: ContainerModel, args: unknown[]): Promise<unknown> => {
      const user = verb === 'add' ? [] : [args.shift()];
      const body = verb === 'add' || verb === 'modify' ? [fieldsOf(args.shift(), name)] : [];
      const options = args.shift() as MethodOptions | undefined;
      return self._client.callOp(
        op.replace('{type}', self.container_type),
        self.id,
        ...user,
        ...body,
        query ? (options ?? {}) : callOptions(options),
      );
    };
    // as the hand-written methods were: delete is async (resolves to nothing), the others
    // answer the call's promise
    const value =
      verb === 'delete'
        ? async function (this: ContainerModel, ...args: unknown[]): Promise<void> {
            await call(this, args);
          }
        : function (this: ContainerModel, ...args: unknown[]): Promise<unknown> {
            return call(this, args);
          };
    Object.defineProperty(cls.prototype, name, { configurable: true, writable: true, value });
  }
}

/**
 * Permission methods, installed from a table: the permission shapes differ per type, so their
 * types are the two interfaces below (`AccessPermissionMethods`, `RolePermissionMethods`).
 */
export class PermissionMethods {}
installPermissionOps(PermissionMethods, [
  { name: 'addPermission', op: 'add_{type}_permission' },
  { name: 'getPermission', op: 'get_{type}_user_permission' },
  { name: 'updatePermission', op: 'modify_{type}_user_permission' },
  { name: 'deletePermission', op: 'delete_{type}_user_permission' },
]);

/** Permissions of groups and collections: access based (`ro`, `rw`, `admin`). */
export interface AccessPermissionMethods {
  /** Grant a user access: `addPermission({ _id: 'user@example.com', access: 'rw' })` (`POST /{types}/{id}/permissions`). */
  addPermission(
    permission: AccessPermission,
    options?: MethodOptions,
  ): Promise<AccessPermissionOutput>;
  /** A user's permission (`GET /{types}/{id}/permissions/{user_id}`). */
  getPermission(userId: string, options?: MethodOptions): Promise<AccessPermissionOutput>;
  /** Change a user's access: `updatePermission(userId, { access: 'ro' })` (`PUT /{types}/{id}/permissions/{user_id}`). */
  updatePermission(
    userId: string,
    permission: AccessPermissionUpdate,
    options?: MethodOptions,
  ): Promise<AccessPermissionOutput>;
  /** Remove a user's access (`DELETE /{types}/{id}/permissions/{user_id}`). */
  deletePermission(userId: string, options?: MethodOptions): Promise<void>;
}

/** Permissions of projects: role based (`role_ids`, see `fw.getAllRoles()`). */
export interface RolePermissionMethods {
  /** Grant a user roles: `addPermission({ _id: 'user@example.com', role_ids: [roleId] })` (`POST /projects/{project_id}/permissions`). */
  addPermission(permission: RolePermission, options?: MethodOptions): Promise<RolePermissionOutput>;
  /** A user's roles on this project (`GET /projects/{project_id}/permissions/{uid}`). */
  getPermission(userId: string, options?: MethodOptions): Promise<RolePermissionOutput>;
  /** Change a user's roles: `updatePermission(userId, { role_ids })` (`PUT /projects/{project_id}/permissions/{uid}`). */
  updatePermission(
    userId: string,
    permission: RolePermissionUpdate,
    options?: MethodOptions,
  ): Promise<RolePermissionOutput>;
  /** Remove a user from this project (`DELETE /projects/{project_id}/permissions/{uid}`). */
  deletePermission(userId: string, options?: MethodOptions): Promise<void>;
}

/** Options of the permission-template changes. */
export interface TemplateOptions extends MethodOptions {
  /**
   * Also change the group's existing projects (`?propagate=true`): an added template entry is
   * set on every project, a changed or removed one on the projects where the user already has
   * an entry. Without it (the site's default) a template only seeds projects created later.
   */
  propagate?: boolean;
}

/**
 * Group permission templates: the role-based permissions a group hands to its new projects
 * (`/groups/{group_id}/permissions/templates`).
 */
export class PermissionTemplateMethods {}
installPermissionOps(PermissionTemplateMethods, [
  { name: 'addPermissionTemplate', op: 'add_{type}_permission_template', query: true },
  { name: 'getPermissionTemplate', op: 'get_{type}_user_permission_template' },
  {
    name: 'updatePermissionTemplate',
    op: 'modify_{type}_user_permission_template',
    query: true,
  },
  {
    name: 'deletePermissionTemplate',
    op: 'delete_{type}_user_permission_template',
    query: true,
  },
]);
export interface PermissionTemplateMethods {
  /** Add a template entry `{ _id, role_ids }` (`POST /groups/{group_id}/permissions/templates`). */
  addPermissionTemplate(
    this: ContainerModel,
    permission: RolePermission,
    options?: TemplateOptions,
  ): Promise<RolePermissionOutput>;
  /** A user's template entry (`GET /groups/{group_id}/permissions/templates/{user_id}`). */
  getPermissionTemplate(
    this: ContainerModel,
    userId: string,
    options?: MethodOptions,
  ): Promise<RolePermissionOutput>;
  /** Change a user's template roles (`PUT /groups/{group_id}/permissions/templates/{user_id}`). */
  updatePermissionTemplate(
    this: ContainerModel,
    userId: string,
    permission: RolePermissionUpdate,
    options?: TemplateOptions,
  ): Promise<RolePermissionOutput>;
  /** Remove a user's template entry (`DELETE /groups/{group_id}/permissions/templates/{user_id}`). */
  deletePermissionTemplate(
    this: ContainerModel,
    userId: string,
    options?: TemplateOptions,
  ): Promise<void>;
}

/** Free-form `info` methods. */
export class InfoMethods {
  /** Replace the whole `info` object (`PATCH /{types}/{id}/info` with `{ replace: info }`). */
  async replaceInfo(
    this: ContainerModel,
    info: Record<string, unknown>,
    options?: MethodOptions,
  ): Promise<void> {
    await this._client.callOp(
      `modify_${this.container_type}_info`,
      this.id,
      { replace: fieldsOf(info, 'replaceInfo') },
      callOptions(options),
    );
  }
  /** Merge keys into `info`, others untouched (`PATCH /{types}/{id}/info` with `{ set: info }`). */
  async updateInfo(
    this: ContainerModel,
    info: Record<string, unknown>,
    options?: MethodOptions,
  ): Promise<void> {
    await this._client.callOp(
      `modify_${this.container_type}_info`,
      this.id,
      { set: fieldsOf(info, 'updateInfo') },
      callOptions(options),
    );
  }
  /**
   * Remove keys from `info`: `deleteInfo('a', 'b')` or `deleteInfo(['a', 'b'])`
   * (`PATCH /{types}/{id}/info` with `{ delete: keys }`). Call options go after an array:
   * `deleteInfo(['a'], { signal })`.
   */
  deleteInfo(this: ContainerModel, ...keys: (string | string[])[]): Promise<void>;
  deleteInfo(this: ContainerModel, keys: string[], options?: MethodOptions): Promise<void>;
  async deleteInfo(this: ContainerModel, ...args: unknown[]): Promise<void> {
    const { keys, options } = keysAndOptions(args);
    await this._client.callOp(
      `modify_${this.container_type}_info`,
      this.id,
      { delete: keys },
      options,
    );
  }
}

/** The container's loaded file entries, if any (not every container type declares `files`). */
const filesOf = (self: ContainerModel) => (self as { files?: FileEntry[] }).files;

function callFileOp(self: ContainerModel, kind: FileOpKind, ...args: unknown[]): Promise<any> {
  return self._client.callOp(fileOp(self.container_type, kind), self.id, ...args);
}

/** Options of `uploadFile`. */
export interface UploadFileOptions extends MethodOptions {
  /**
   * File metadata (`type`, `modality`, `classification`, `info`, `tags`): one object for every
   * file (each file gets its own copy), an array with one object per file, or JSON text.
   */
  metadata?: Record<string, unknown> | Record<string, unknown>[] | string;
  /** Upload progress over all files. */
  onProgress?: (progress: { loaded: number; total?: number }) => void;
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
  /**
   * Stream a file to `dest` (a path on Node, or a WritableStream). With a `version` this
   * container's loaded `files` list has, the bytes must match its `size` and `hash`.
   */
  async downloadFile(
    this: ContainerModel,
    name: string,
    dest: DownloadDestination,
    options: DownloadOptions = {},
  ): Promise<void> {
    await callFileOp(this, 'download', name, dest, withKnownContent(filesOf(this), name, options));
  }
  /** A file's bytes, in memory (checked like `downloadFile`). */
  readFile(this: ContainerModel, name: string, options: ReadOptions = {}): Promise<Uint8Array> {
    return callFileOp(this, 'read', name, withKnownContent(filesOf(this), name, options));
  }
  /** A one-time URL that downloads the file without an API key. */
  getFileDownloadUrl(this: ContainerModel, name: string, options?: MethodOptions): Promise<string> {
    return callFileOp(this, 'url', name, callOptions(options));
  }
  /** The member listing of a zip file. */
  getFileZipInfo(
    this: ContainerModel,
    name: string,
    options?: MethodOptions,
  ): Promise<FileZipInfo> {
    return callFileOp(this, 'zipInfo', name, callOptions(options));
  }
  /** Stream one zip member to `dest`. */
  async downloadFileZipMember(
    this: ContainerModel,
    name: string,
    memberPath: string,
    dest: DownloadDestination,
    options: DownloadOptions = {},
  ): Promise<void> {
    await callFileOp(this, 'download', name, dest, { ...options, member: memberPath });
  }
  /** One zip member's bytes. */
  readFileZipMember(
    this: ContainerModel,
    name: string,
    memberPath: string,
    options: ReadOptions = {},
  ): Promise<Uint8Array> {
    return callFileOp(this, 'read', name, { ...options, member: memberPath });
  }
  /** Change file attributes (`type`, `modality`, …). */
  updateFile(
    this: ContainerModel,
    name: string,
    fields: OpBody<'modify_project_file'>,
    options?: MethodOptions,
  ): Promise<OpJson<'modify_project_file'>> {
    return callFileOp(this, 'modify', name, fieldsOf(fields, 'updateFile'), callOptions(options));
  }
  /** Delete a file. */
  async deleteFile(this: ContainerModel, name: string, options?: MethodOptions): Promise<void> {
    await callFileOp(this, 'delete', name, callOptions(options));
  }
  /** Replace a file's whole `info`. */
  async replaceFileInfo(
    this: ContainerModel,
    name: string,
    info: Record<string, unknown>,
    options?: MethodOptions,
  ): Promise<void> {
    await this._client.callOp(
      `modify_${this.container_type}_file_info`,
      this.id,
      name,
      { replace: info },
      callOptions(options),
    );
  }
  /** Merge keys into a file's `info`. */
  async updateFileInfo(
    this: ContainerModel,
    name: string,
    info: Record<string, unknown>,
    options?: MethodOptions,
  ): Promise<void> {
    await this._client.callOp(
      `modify_${this.container_type}_file_info`,
      this.id,
      name,
      { set: fieldsOf(info, 'updateFileInfo') },
      callOptions(options),
    );
  }
  /** Remove keys from a file's `info` (call options after an array: `deleteFileInfo(n, ['a'], { signal })`). */
  deleteFileInfo(this: ContainerModel, name: string, ...keys: (string | string[])[]): Promise<void>;
  deleteFileInfo(
    this: ContainerModel,
    name: string,
    keys: string[],
    options?: MethodOptions,
  ): Promise<void>;
  async deleteFileInfo(this: ContainerModel, name: string, ...args: unknown[]): Promise<void> {
    const { keys, options } = keysAndOptions(args);
    await this._client.callOp(
      `modify_${this.container_type}_file_info`,
      this.id,
      name,
      { delete: keys },
      options,
    );
  }
  /** Replace a file's classification, optionally setting its modality in the same call. */
  async replaceFileClassification(
    this: ContainerModel,
    name: string,
    classification: Record<string, string[]>,
    options: { modality?: string } & MethodOptions = {},
  ): Promise<void> {
    const body: Record<string, unknown> = { replace: classification };
    if (options.modality !== undefined) body['modality'] = options.modality;
    await callFileOp(this, 'modifyClassification', name, body, callOptions(options));
  }
  /** Add values to a file's classification (existing values and modality kept). */
  async updateFileClassification(
    this: ContainerModel,
    name: string,
    classification: Record<string, string[]>,
    options?: MethodOptions,
  ): Promise<void> {
    await callFileOp(
      this,
      'modifyClassification',
      name,
      { add: classification },
      callOptions(options),
    );
  }
  /** Remove values from a file's classification. */
  async deleteFileClassification(
    this: ContainerModel,
    name: string,
    classification: Record<string, string[]>,
    options?: MethodOptions,
  ): Promise<void> {
    await callFileOp(
      this,
      'modifyClassification',
      name,
      { delete: classification },
      callOptions(options),
    );
  }
  /** The container's files (fetched when this copy has none), each with this object as `parent`. */
  async getFiles(this: ContainerModel, options?: MethodOptions): Promise<FileEntry[]> {
    const own = (this as { files?: FileEntry[] }).files;
    const files = Array.isArray(own)
      ? own
      : ((
          (await this._client.callOp(
            `get_${this.container_type}`,
            this.id,
            callOptions(options),
          )) as {
            files?: FileEntry[];
          }
        ).files ?? []);
    for (const f of files) f.parent = this;
    return files;
  }
  /** The file with this name, or `null`. */
  async getFile(
    this: ContainerModel,
    name: string,
    options?: MethodOptions,
  ): Promise<FileEntry | null> {
    const files = await (this as unknown as FileMethods).getFiles.call(this, options);
    return files.find((f) => f.name === name) ?? null;
  }
  /** `{ type, id, name }` reference to one of this container's files. */
  fileRef(this: ContainerModel, name: string): FileRef {
    return { ...this.ref(), name };
  }
}

/** Options of `downloadTar`. */
export interface DownloadTarOptions extends MethodOptions {
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

/** Body of an analysis creation: an ad hoc analysis (`AdhocAnalysisInput`) or one with a job (`JobAnalysisInput`). */
export type AnalysisFields = Schemas['AdhocAnalysisInput'] | Schemas['JobAnalysisInput'];

/** Analyses under a container. */
export class AnalysisMethods {
  /**
   * Create an analysis here (`POST /{types}/{id}/analyses?job=true`), then fetch it. The
   * `analyses` field is the embedded list; `analysesFinder` pages the list endpoint.
   */
  async addAnalysis(
    this: ContainerModel,
    fields: AnalysisFields,
    options?: MethodOptions,
  ): Promise<Analysis> {
    const id = (await this._client.callOp(
      `add_${this.container_type}_analysis`,
      this.id,
      fieldsOf(fields, 'addAnalysis'),
      callOptions(options),
    )) as string;
    return this._client.callOp('get_analysis', id, callOptions(options));
  }
  /**
   * Finder over this container's analyses (`GET /{types}/{id}/analyses`; named so because
   * `analyses` is a data field). Items are the list form (`AnalysisListOutput`): `reload()` one
   * for the full `Analysis`.
   */
  get analysesFinder(): Finder<AnalysisListOutput, FinderParams<OpQuery<'get_project_analyses'>>> {
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
  async update(this: ResourceModel, fields: object, options?: MethodOptions): Promise<void> {
    await this._client.callOp(
      `modify_${this.container_type}`,
      this.id,
      fieldsOf(fields, 'update'),
      callOptions(options),
    );
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
