/**
 * `Client`: the facade a Python `flywheel.Client` user expects. Generated methods (one per API
 * operation) come from `GeneratedMethods`; this class adds the hand-written helpers and the
 * top-level finders.
 */
import { FlywheelError } from '@fw/api';
import type { Finder, FinderParams } from '../finders/finder.js';
import { wrapModel } from '../models/base.js';
import { FileEntry } from '../models/file-entry.js';
import { cached } from '../models/mixins.js';
import type {
  AcquisitionListOutput,
  AnalysisListOutput,
  CollectionListItem,
  Container,
  Group,
  ProjectListOutput,
  SessionListOutput,
  SubjectOutputForList,
} from '../models/containers.js';
import type { Gear, JobListOutput, User } from '../models/others.js';
import { GeneratedMethods } from '../generated/methods.js';
import {
  viewMethods,
  type ReadViewDataOptions,
  type ViewRunOptions,
  type ViewSource,
} from '../views/exec.js';
import type { ViewBuilder, ViewOptions } from '../views/builder.js';
import type { BodyOf, OpQuery } from './op-types.js';
import {
  installClientFileMethods,
  type ArchiveTarget,
  type ClientFileMethods,
  type DownloadArchiveOptions,
} from './file-methods.js';

/**
 * Client-level finders and the v21 list operations behind them (with the model to wrap items
 * in where the operation's answer names none: `get_all_users` answers `UserOutput[]` or a page).
 */
const TOP_FINDERS: Record<string, readonly [op: string, model?: string]> = {
  groups: ['get_all_groups'],
  projects: ['get_all_projects'],
  subjects: ['get_all_subjects'],
  sessions: ['get_all_sessions'],
  acquisitions: ['get_all_acquisitions'],
  analyses: ['get_all_analyses'],
  collections: ['get_all_collections'],
  jobs: ['get_all_jobs'],
  gears: ['get_all_gears'],
  users: ['get_all_users', 'User'],
};

/**
 * A resolver node: a container, a file or a gear. Every node carries `container_type`; a gear
 * node (v21 `GearNode`) says `'gear'`.
 */
export type ResolvedNode = Container | FileEntry | (Gear & { readonly container_type: 'gear' });

/** `resolve()` result: the objects along the path, and the children of the last one. */
export interface ResolveResult {
  path: ResolvedNode[];
  children: ResolvedNode[];
}

/** Something `downloadTar` / `downloadZip` can archive: a container object or a `{ type, id }` reference. */
export type TarTarget = ArchiveTarget;

/** Options of `fw.acquisitions.find(…)` and the other finder methods (`get_all_acquisitions`'s query parameters). */
export interface AcquisitionsFinderParams extends FinderParams<OpQuery<'get_all_acquisitions'>> {}
/** Options of `fw.analyses.find(…)` and the other finder methods (`get_all_analyses`'s query parameters). */
export interface AnalysesFinderParams extends FinderParams<OpQuery<'get_all_analyses'>> {}
/** Options of `fw.collections.find(…)` and the other finder methods (`get_all_collections`'s query parameters). */
export interface CollectionsFinderParams extends FinderParams<OpQuery<'get_all_collections'>> {}
/** Options of `fw.gears.find(…)` and the other finder methods (`get_all_gears`'s query parameters). */
export interface GearsFinderParams extends FinderParams<OpQuery<'get_all_gears'>> {}
/** Options of `fw.groups.find(…)` and the other finder methods (`get_all_groups`'s query parameters). */
export interface GroupsFinderParams extends FinderParams<OpQuery<'get_all_groups'>> {}
/** Options of `fw.jobs.find(…)` and the other finder methods (`get_all_jobs`'s query parameters). */
export interface JobsFinderParams extends FinderParams<OpQuery<'get_all_jobs'>> {}
/** Options of `fw.projects.find(…)` and the other finder methods (`get_all_projects`'s query parameters). */
export interface ProjectsFinderParams extends FinderParams<OpQuery<'get_all_projects'>> {}
/** Options of `fw.sessions.find(…)` and the other finder methods (`get_all_sessions`'s query parameters). */
export interface SessionsFinderParams extends FinderParams<OpQuery<'get_all_sessions'>> {}
/** Options of `fw.subjects.find(…)` and the other finder methods (`get_all_subjects`'s query parameters). */
export interface SubjectsFinderParams extends FinderParams<OpQuery<'get_all_subjects'>> {}
/** Options of `fw.users.find(…)` and the other finder methods (`get_all_users`'s query parameters). */
export interface UsersFinderParams extends FinderParams<OpQuery<'get_all_users'>> {}

/** Options of `downloadTar` / `downloadZip`. */
export type DownloadTarOptions = DownloadArchiveOptions;

function splitPath(path: string | readonly string[]): string[] {
  return typeof path === 'string' ? path.split('/').filter((p) => p !== '') : [...path];
}

export class Client extends GeneratedMethods {
  // ---- finders ----------------------------------------------------------------------------------
  // Finder items are the list models (`ProjectListOutput`, …): list reads leave fields out (for
  // one, `info` may come back empty); `reload()` an item for the full object (`Project`, …).

  /** All groups you can see (`GET /groups`; items are `GroupOutput`, as by-id reads). */
  declare readonly groups: Finder<Group, GroupsFinderParams>;
  /**
   * All projects you can see (`GET /projects`): `fw.projects.find('label=My Project')`. Items are
   * the list form `ProjectListOutput` (fields such as `info` may be left out); `reload()` one for
   * the full `Project`.
   */
  declare readonly projects: Finder<ProjectListOutput, ProjectsFinderParams>;
  /** All subjects (`GET /subjects`). Items are `SubjectOutputForList` (`info` may be left out); `reload()` for the full `Subject`. */
  declare readonly subjects: Finder<SubjectOutputForList, SubjectsFinderParams>;
  /** All sessions (`GET /sessions`). Items are `SessionListOutput` (`info` may be left out); `reload()` for the full `Session`. */
  declare readonly sessions: Finder<SessionListOutput, SessionsFinderParams>;
  /** All acquisitions (`GET /acquisitions`). Items are `AcquisitionListOutput` (`info` may be left out); `reload()` for the full `Acquisition`. */
  declare readonly acquisitions: Finder<AcquisitionListOutput, AcquisitionsFinderParams>;
  /** All analyses (`GET /analyses`, Python's `get_all_analyses`). Items are `AnalysisListOutput` (`info` may be left out); `reload()` for the full `Analysis`. */
  declare readonly analyses: Finder<AnalysisListOutput, AnalysesFinderParams>;
  /** All collections (`GET /collections`). Items are `CollectionListItem`; `reload()` for the full `Collection`. */
  declare readonly collections: Finder<CollectionListItem, CollectionsFinderParams>;
  /** All jobs (`GET /jobs`). Items are `JobListOutput` (`_id`, no `id` field; the `id` getter works); `reload()` for the full `Job`. */
  declare readonly jobs: Finder<JobListOutput, JobsFinderParams>;
  /** All installed gears (`GET /gears`; items are `GearDocument`, as by-id reads). */
  declare readonly gears: Finder<Gear, GearsFinderParams>;
  /** All users (`GET /users`; items are `UserOutput`, as by-id reads). */
  declare readonly users: Finder<User, UsersFinderParams>;

  // ---- hand-written helpers ------------------------------------------------------------------

  /**
   * Any container by id (`GET /containers/{id}`), typed by its `container_type`; a group id
   * (which is human-readable) is looked up with `GET /groups/{id}` when no container has it.
   */
  async get<T extends Container = Container>(id: string): Promise<T> {
    try {
      return (await this.getContainer(id)) as unknown as T;
    } catch (err) {
      // by code, not `instanceof NotFoundError`: the HTTP error classes load with the first error
      if (err instanceof FlywheelError && err.code === 'FW_NOT_FOUND' && this.hasOp('get_group')) {
        try {
          return (await this.getGroup(id)) as unknown as T;
        } catch {
          throw err;
        }
      }
      throw err;
    }
  }

  /**
   * Resolve a path of labels (`'group/Project Label/subject code'` or an array; `<id:ID>`
   * segments allowed) into the objects along it and the children of its end.
   */
  async resolve(path: string | readonly string[]): Promise<ResolveResult> {
    const out = (await this.resolvePath({ path: splitPath(path) } as BodyOf<'resolve_path'>)) as {
      path?: unknown[];
      children?: unknown[];
    };
    const nodes = wrapModel(this, '*', out.path ?? []) as ResolvedNode[];
    const children = wrapModel(this, '*', out.children ?? []) as ResolvedNode[];
    const containerBefore = (i: number) =>
      nodes
        .slice(0, i)
        .reverse()
        .find((n) => !(n instanceof FileEntry));
    nodes.forEach((n, i) => {
      if (n instanceof FileEntry) n.parent = containerBefore(i) as FileEntry['parent'];
    });
    const last = nodes[nodes.length - 1];
    for (const c of children) {
      if (c instanceof FileEntry && last && !(last instanceof FileEntry))
        c.parent = last as FileEntry['parent'];
    }
    return { path: nodes, children };
  }

  /** The object at a path of labels (`'group/Project Label'`); throws `NotFoundError` when nothing is there. */
  async lookup<T extends ResolvedNode = ResolvedNode>(
    path: string | readonly string[],
  ): Promise<T> {
    const parts = splitPath(path);
    const node = wrapModel(
      this,
      '*',
      await this.lookupPath({ path: parts } as BodyOf<'lookup_path'>),
    ) as ResolvedNode;
    if (node instanceof FileEntry && parts.length > 2) {
      // The file's parent is the container the path leads to before `files/<name>`.
      const parentPath = parts.slice(0, parts[parts.length - 2] === 'files' ? -2 : -1);
      node.parent = (await this.lookup(parentPath)) as FileEntry['parent'];
    }
    return node as T;
  }

  /** A one-time download URL for the file at a resolver path (`'group/project/files/a.txt'`). */
  async fileUrl(path: string | readonly string[]): Promise<string> {
    const { path: nodes } = await this.resolve(path);
    const file = nodes[nodes.length - 1];
    if (!(file instanceof FileEntry))
      throw new TypeError(`fileUrl: "${splitPath(path).join('/')}" is not a file`);
    return file.url();
  }

  /** Add sessions or acquisitions (by id) to a collection. */
  async addNodesToCollection(
    collectionId: string,
    level: string,
    nodeIds: readonly string[],
  ): Promise<void> {
    await this.modifyCollection(collectionId, {
      contents: { operation: 'add', nodes: nodeIds.map((_id) => ({ _id, level })) },
    } as BodyOf<'modify_collection'>);
  }
  addSessionsToCollection(collectionId: string, sessionIds: readonly string[]): Promise<void> {
    return this.addNodesToCollection(collectionId, 'session', sessionIds);
  }
  addAcquisitionsToCollection(
    collectionId: string,
    acquisitionIds: readonly string[],
  ): Promise<void> {
    return this.addNodesToCollection(collectionId, 'acquisition', acquisitionIds);
  }

  // ---- data views (packages/sdk/src/views) --------------------------------------------------------

  /** A data view builder, as Python's `fw.View(...)`: chain its methods, pass it to `readViewData`. */
  View(options: ViewOptions = {}): ViewBuilder {
    return viewMethods.View(options);
  }
  /** Run a view (builder, JSON or saved view id) on a container; its data as a byte stream. */
  readViewData(
    view: ViewSource,
    containerId: string,
    options: ReadViewDataOptions = {},
  ): Promise<ReadableStream<Uint8Array>> {
    return viewMethods.readViewData.call(this, view, containerId, options);
  }
  /** Run a view and yield one object per row, without holding the table. */
  iterViewRows<T extends Record<string, unknown> = Record<string, unknown>>(
    view: ViewSource,
    containerId: string,
    options: ViewRunOptions = {},
  ): AsyncGenerator<T> {
    return viewMethods.iterViewRows.call(this, view, containerId, options) as AsyncGenerator<T>;
  }
  /** The columns data views can use (Python's `print_view_columns`, as data). */
  getViewColumns(filter?: string): ReturnType<typeof viewMethods.getViewColumns> {
    return viewMethods.getViewColumns.call(this, filter);
  }

  /** Move a job to another state (`PUT /jobs/{job_id}` with `{ state }`). */
  async changeJobState(jobId: string, state: string): Promise<void> {
    await this.modifyJob(jobId, { state } as BodyOf<'modify_job'>);
  }
}

// files: fw.files, downloadTar, downloadZip (client/file-methods.ts)
export interface Client extends ClientFileMethods {}
installClientFileMethods(Client);

for (const [name, [op, model]] of Object.entries(TOP_FINDERS)) {
  Object.defineProperty(Client.prototype, name, {
    configurable: true,
    get(this: Client) {
      return cached(this, name, () => this.listFinder(op, [], `fw.${name}`, model));
    },
  });
}
