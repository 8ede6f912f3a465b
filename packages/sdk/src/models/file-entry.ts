/**
 * FileEntry: a file stored on a container. Its methods delegate to the parent container's
 * file methods with the file's name (one table, no per-method code).
 */
import type { DownloadDestination, DownloadOptions, ReadOptions } from '../client/platform.js';
import type { OpBody, OpJson, Schemas } from '../client/op-types.js';
import * as time from '../time/index.js';
import { Model, hide, registerModel } from './base.js';
import type { WithDates } from './dates.js';
import type { ContainerModel } from './containers.js';
import type { FileRef, FileZipInfo } from './mixins.js';

/** FileEntry method → the parent container's file method it calls with `this.name` first. */
const DELEGATES = {
  download: 'downloadFile',
  read: 'readFile',
  url: 'getFileDownloadUrl',
  update: 'updateFile',
  delete: 'deleteFile',
  replaceInfo: 'replaceFileInfo',
  updateInfo: 'updateFileInfo',
  deleteInfo: 'deleteFileInfo',
  replaceClassification: 'replaceFileClassification',
  updateClassification: 'updateFileClassification',
  deleteClassification: 'deleteFileClassification',
  getZipInfo: 'getFileZipInfo',
  downloadZipMember: 'downloadFileZipMember',
  readZipMember: 'readFileZipMember',
} as const;

export class FileEntry extends Model {
  /** The container this file belongs to (hidden from JSON). Undefined for analysis inputs and bare file lookups. */
  declare parent: ContainerModel | undefined;

  protected override init(): void {
    hide(this, 'parent', undefined);
    Object.defineProperty(this, 'container_type', {
      value: 'file',
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }

  /** `{ type, id, name }` of the parent container plus this file's name. */
  ref(): FileRef {
    return { ...this.requireParent('ref').ref(), name: this.name };
  }

  /** `replaced` in the system time zone. */
  get localReplaced(): time.ZonedDateTime | null {
    return time.localReplaced(this as time.HasReplaced);
  }
  get localCreated(): time.ZonedDateTime | null {
    return time.localCreated(this as time.HasCreatedModified);
  }
  get localModified(): time.ZonedDateTime | null {
    return time.localModified(this as time.HasCreatedModified);
  }

  /** @internal */
  requireParent(method: string): ContainerModel {
    if (!this.parent) {
      throw new Error(
        `FileEntry "${this.name}" has no parent container, so ${method}() cannot address it; get the file from its container (container.files / getFile(name)).`,
      );
    }
    return this.parent;
  }
}

for (const [method, target] of Object.entries(DELEGATES)) {
  Object.defineProperty(FileEntry.prototype, method, {
    configurable: true,
    writable: true,
    value(this: FileEntry, ...args: unknown[]) {
      const parent = this.requireParent(method) as unknown as Record<
        string,
        (...a: unknown[]) => unknown
      >;
      if (typeof parent[target] !== 'function') {
        throw new Error(
          `${String(parent['container_type'])} objects have no ${target}(), so FileEntry.${method}() is unavailable`,
        );
      }
      return parent[target]!(this.name, ...args);
    },
  });
}

type Classification = Record<string, string[]>;

export interface FileEntry extends WithDates<Schemas['FileEntry']> {
  readonly container_type: 'file';
  name: string;
  /** Stream the file to `dest` (a path on Node, or a WritableStream). */
  download(dest: DownloadDestination, options?: DownloadOptions): Promise<void>;
  /** The file's bytes. */
  read(options?: ReadOptions): Promise<Uint8Array>;
  /** A one-time download URL usable without an API key. */
  url(): Promise<string>;
  /** Change file attributes (`type`, `modality`…). The local object is unchanged. */
  update(fields: OpBody<'modify_project_file'>): Promise<OpJson<'modify_project_file'>>;
  /** Delete the file from its container. */
  delete(): Promise<void>;
  replaceInfo(info: Record<string, unknown>): Promise<void>;
  updateInfo(info: Record<string, unknown>): Promise<void>;
  deleteInfo(...keys: (string | string[])[]): Promise<void>;
  replaceClassification(
    classification: Classification,
    options?: { modality?: string },
  ): Promise<void>;
  updateClassification(classification: Classification): Promise<void>;
  deleteClassification(classification: Classification): Promise<void>;
  getZipInfo(): Promise<FileZipInfo>;
  downloadZipMember(memberPath: string, dest: DownloadDestination): Promise<void>;
  readZipMember(memberPath: string): Promise<Uint8Array>;
}

registerModel(FileEntry as never, ['FileEntry'], 'file');
