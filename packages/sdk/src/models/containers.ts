/**
 * Container classes. Each is a few lines: its wire type, its capability-derived method
 * interfaces, and a registration; the behaviour lives once in `mixins.ts`.
 */
import type { Finder, FinderParams } from '../finders/finder.js';
import type { OpJson, OpQuery, Schemas, UpdateFields } from '../client/op-types.js';
import * as time from '../time/index.js';
import { ResourceModel, hide, registerModel, wrapModel } from './base.js';
import { CAPABILITIES, CONTAINER_TYPES, type ContainerType } from './capabilities.js';
import { callOptions, fieldsOf, type MethodOptions } from './context.js';
import { convertShared, type DateField, type WithDates } from './dates.js';
import { FileEntry } from './file-entry.js';
import {
  AnalysisMethods,
  FileMethods,
  InfoMethods,
  NoteMethods,
  PermissionMethods,
  PermissionTemplateMethods,
  TagMethods,
  TarMethods,
  UpdateMethods,
  applyMixins,
  installFinders,
  type AccessPermissionMethods,
  type RolePermissionMethods,
} from './mixins.js';

/** Wire fields with one key removed; keeps known keys even when the type has an index signature. */
type Without<T, K extends PropertyKey> = { [P in keyof T as P extends K ? never : P]: T[P] };

/** Input fields: date fields accept a `Date` or a Temporal `Instant`/`ZonedDateTime` as well as ISO strings. */
export type DateInputs<T> = {
  [K in keyof T]: K extends DateField
    ? T[K] | Date | time.TemporalTypes.Instant | time.ZonedDateTime
    : T[K];
};

/** Wire data of a schema as SDK objects expose it: dates as `Date`, `files` as `FileEntry`, `analyses` as `Analysis`. */
export type ContainerData<N extends keyof Schemas> = Without<
  WithDates<Schemas[N]>,
  'files' | 'analyses' | 'container_type' | 'subject'
> & {
  files?: FileEntry[];
  analyses?: Analysis[];
};

/** Behaviour shared by every container (groups … collections). */
export abstract class ContainerModel extends ResourceModel {
  /** `group`, `project`, `subject`, `session`, `acquisition`, `analysis` or `collection`. */
  declare readonly container_type: ContainerType;

  static override readonly rawFields: ReadonlySet<string> = new Set(['files', 'analyses']);

  protected override init(): void {
    super.init();
    const self = this as unknown as { files?: unknown; analyses?: unknown };
    if (Array.isArray(self.files)) {
      self.files = self.files.map((f) => {
        const entry = new FileEntry(this._client, f as object);
        entry.parent = this;
        return entry;
      });
    } else if (self.files !== undefined) self.files = convertShared(self.files);
    if (Array.isArray(self.analyses)) {
      self.analyses = wrapModel(this._client, 'Analysis', self.analyses);
    } else if (self.analyses !== undefined) self.analyses = convertShared(self.analyses);
  }

  /** `created` in the system time zone. */
  get localCreated(): time.ZonedDateTime | null {
    return time.localCreated(this as time.HasCreatedModified);
  }
  /** `modified` in the system time zone. */
  get localModified(): time.ZonedDateTime | null {
    return time.localModified(this as time.HasCreatedModified);
  }
}

/** Acquisition-time helpers (sessions and acquisitions). */
export class TimestampMethods {
  /** `timestamp` in the system time zone. */
  get localTimestamp(): time.ZonedDateTime | null {
    return time.localTimestamp(this as time.HasTimestamp);
  }
  /** `timestamp` in the zone named by the `timezone` field. */
  get originalTimestamp(): time.ZonedDateTime | null {
    return time.originalTimestamp(this as time.HasTimestamp);
  }
}

/** Subject age at the session (`age` is in seconds). */
export class AgeMethods {
  /** `age` in whole years (`null`/`undefined` when the session has no age). */
  get ageYears(): number | null | undefined {
    return time.ageYears(this as time.HasAge);
  }
  /** `age` in whole months. */
  get ageMonths(): number | null | undefined {
    return time.ageMonths(this as time.HasAge);
  }
  /** `age` in whole weeks. */
  get ageWeeks(): number | null | undefined {
    return time.ageWeeks(this as time.HasAge);
  }
  /** `age` in whole days. */
  get ageDays(): number | null | undefined {
    return time.ageDays(this as time.HasAge);
  }
}

type Caps = typeof CAPABILITIES;
type If<C, M> = C extends true ? M : unknown;
type PermissionsOf<P> = P extends 'access'
  ? AccessPermissionMethods
  : P extends 'role'
    ? RolePermissionMethods
    : unknown;

/** The methods a container type gets from the capability table. */
export type CapabilityMethods<T extends ContainerType> = If<Caps[T]['tags'], TagMethods> &
  If<Caps[T]['notes'], NoteMethods> &
  If<Caps[T]['info'], InfoMethods> &
  If<Caps[T]['files'], FileMethods> &
  PermissionsOf<Caps[T]['permissions']> &
  If<Caps[T]['templates'], PermissionTemplateMethods> &
  If<Caps[T]['analyses'], AnalysisMethods> &
  If<Caps[T]['tar'], TarMethods> & {
    /**
     * Change fields of this container on the server (`PUT /{types}/{id}`); dates may be `Date`s
     * or Temporal values. This object is left as it is: `reload()` for the new state.
     */
    update(fields: DateInputs<UpdateFields<T>>, options?: MethodOptions): Promise<void>;
  } & {
    readonly [F in keyof Caps[T]['finders']]: Finder<
      FinderItem<Caps[T]['finders'][F]>,
      FinderParams<OpQuery<Caps[T]['finders'][F]>>
    >;
  };

type FinderItem<Op> = Op extends `get_${string}_${infer Child}`
  ? Child extends 'projects'
    ? ProjectListOutput
    : Child extends 'subjects'
      ? SubjectOutputForList
      : Child extends 'sessions'
        ? SessionListOutput
        : Child extends 'acquisitions'
          ? AcquisitionListOutput
          : never
  : never;

/** The parent link each child type's create body carries (filled in by `addX` on the parent). */
interface ParentKey {
  project: 'group';
  subject: 'project';
  session: 'project';
  acquisition: 'session';
}

/**
 * Fields for creating a child container through its parent (`project.addSubject(fields)`): the
 * create body without the parent link, dates as `Date`/Temporal values or ISO strings. Use it to
 * type a body built in a variable: `const s: NewContainerFields<'subject'> = { sex: 'female' }`.
 */
export type NewContainerFields<T extends keyof ParentKey> = DateInputs<
  Without<CreateBody<T>, ParentKey[T]>
>;

// ---- the container classes -------------------------------------------------------------

/** Group methods (full and list form). */
export interface GroupMethods extends CapabilityMethods<'group'> {
  /** The full Group from the server (`GET /{types}/{id}`); this object is left as it is. List reads leave fields out (e.g. `info`): reload an item for every field. */
  reload(options?: MethodOptions): Promise<Group>;
  /** Create a project in this group (`POST /projects`), then fetch it. */
  addProject(fields: NewContainerFields<'project'>, options?: MethodOptions): Promise<Project>;
}
/**
 * A group: the top of the hierarchy (group → project → subject → session → acquisition). It
 * owns projects, grants users access to them and holds the permission template new projects
 * start with. Its id is chosen at creation. Wire model `GroupOutput` (list reads answer the same).
 */
export class Group extends ContainerModel {
  static readonly containerType = 'group';
}
export interface Group extends ContainerData<'GroupOutput'>, GroupMethods {}

/** Project methods (full and list form). */
export interface ProjectMethods extends CapabilityMethods<'project'> {
  /** The full Project from the server (`GET /{types}/{id}`); this object is left as it is. List reads leave fields out (e.g. `info`): reload an item for every field. */
  reload(options?: MethodOptions): Promise<Project>;
  /** Create a subject in this project (`POST /subjects`), then fetch it. */
  addSubject(fields: NewContainerFields<'subject'>, options?: MethodOptions): Promise<Subject>;
  /** Create a session in this project (`POST /sessions`; v21 needs its `subject`), then fetch it. */
  addSession(fields: NewContainerFields<'session'>, options?: MethodOptions): Promise<Session>;
}
/**
 * A project: a study in a group, holding subjects (and through them sessions and acquisitions),
 * files, analyses, notes and role-based permissions. Wire model `ProjectOutput` (by-id reads);
 * finders yield the list form, `ProjectListOutput`.
 */
export class Project extends ContainerModel {
  static readonly containerType = 'project';
}
export interface Project extends ContainerData<'ProjectOutput'>, ProjectMethods {}
/** A project as list reads answer it (`ProjectListOutput`); `reload()` for the full `Project`. */
export interface ProjectListOutput
  extends ContainerModel, ContainerData<'ProjectListOutput'>, ProjectMethods {}

/** Subject methods (full and list form). */
export interface SubjectMethods extends CapabilityMethods<'subject'> {
  /** The full Subject from the server (`GET /{types}/{id}`); this object is left as it is. List reads leave fields out (e.g. `info`): reload an item for every field. */
  reload(options?: MethodOptions): Promise<Subject>;
  /** Create a session for this subject (`POST /sessions`), then fetch it. */
  addSession(
    fields: Omit<NewContainerFields<'session'>, 'subject'>,
    options?: MethodOptions,
  ): Promise<Session>;
}
/**
 * A subject: one participant (or animal, or phantom) of a project, identified in it by `code`,
 * with demographic fields and its sessions. Wire model `SubjectOutput` (by-id reads); finders
 * yield the list form, `SubjectOutputForList`.
 */
export class Subject extends ContainerModel {
  static readonly containerType = 'subject';
}
export interface Subject extends ContainerData<'SubjectOutput'>, SubjectMethods {}
/** A subject as list reads answer it (`SubjectOutputForList`); `reload()` for the full `Subject`. */
export interface SubjectOutputForList
  extends ContainerModel, ContainerData<'SubjectOutputForList'>, SubjectMethods {}

/** Session methods (full and list form). */
export interface SessionMethods extends CapabilityMethods<'session'>, TimestampMethods, AgeMethods {
  /** The full Session from the server (`GET /{types}/{id}`); this object is left as it is. List reads leave fields out (e.g. `info`): reload an item for every field. */
  reload(options?: MethodOptions): Promise<Session>;
  /** Create an acquisition in this session (`POST /acquisitions`), then fetch it. */
  addAcquisition(
    fields: NewContainerFields<'acquisition'>,
    options?: MethodOptions,
  ): Promise<Acquisition>;
  /** The session's subject (embedded). */
  subject?: Subject;
}
/**
 * A session: one visit of a subject (a scanning session, a DICOM study), with its acquisitions,
 * files, the subject's age and weight at the time, and its timestamp. Wire model `SessionOutput`
 * (by-id reads); finders yield the list form, `SessionListOutput`.
 */
export class Session extends ContainerModel {
  static readonly containerType = 'session';
  static override readonly rawFields: ReadonlySet<string> = new Set([
    'files',
    'analyses',
    'subject',
  ]);
  protected override init(): void {
    super.init();
    const self = this as unknown as { subject?: unknown };
    if (self.subject && typeof self.subject === 'object') {
      self.subject = new Subject(this._client, self.subject);
    }
  }
}
export interface Session extends ContainerData<'SessionOutput'>, SessionMethods {}
/** A session as list reads answer it (`SessionListOutput`); `reload()` for the full `Session`. */
export interface SessionListOutput
  extends ContainerModel, ContainerData<'SessionListOutput'>, SessionMethods {}

/** Acquisition methods (full and list form). */
export interface AcquisitionMethods extends CapabilityMethods<'acquisition'>, TimestampMethods {
  /** The full Acquisition from the server (`GET /{types}/{id}`); this object is left as it is. List reads leave fields out (e.g. `info`): reload an item for every field. */
  reload(options?: MethodOptions): Promise<Acquisition>;
}
/**
 * An acquisition: one series recorded in a session (a DICOM series), holding the files of that
 * series. Wire model `AcquisitionOutput` (by-id reads); finders yield the list form,
 * `AcquisitionListOutput`.
 */
export class Acquisition extends ContainerModel {
  static readonly containerType = 'acquisition';
}
export interface Acquisition extends ContainerData<'AcquisitionOutput'>, AcquisitionMethods {}
/** An acquisition as list reads answer it (`AcquisitionListOutput`); `reload()` for the full `Acquisition`. */
export interface AcquisitionListOutput
  extends ContainerModel, ContainerData<'AcquisitionListOutput'>, AcquisitionMethods {}

/** Analysis methods (full and list form). */
export interface AnalysisObjectMethods extends CapabilityMethods<'analysis'> {
  /** The full Analysis from the server (`GET /{types}/{id}`); this object is left as it is. List reads leave fields out (e.g. `info`): reload an item for every field. */
  reload(options?: MethodOptions): Promise<Analysis>;
  /** Input files (no parent: they belong to other containers). */
  inputs?: FileEntry[];
  /**
   * Upload output files (one or several) to this (ad hoc) analysis (`POST /analyses/{analysis_id}/files`,
   * or the signed-URL flow, see `files/upload-flow.ts`); resolves to the saved `FileEntry` objects.
   */
  uploadOutput(
    files: import('./mixins.js').UploadInput | import('./mixins.js').UploadInput[],
    options?: import('./mixins.js').UploadFileOptions,
  ): Promise<FileEntry[]>;
  /** The job that runs this analysis (`GET /jobs/{id}`); rejects for an ad hoc analysis. */
  getJob(options?: MethodOptions): Promise<import('./others.js').Job>;
}
/**
 * An analysis: results attached to a container, either produced by a gear job (`job`) or ad hoc
 * (uploaded with `uploadOutput`), with its input file references and output files. Wire model
 * `AnalysisOutput` (by-id reads, job inflated); finders yield `AnalysisListOutput`.
 */
export class Analysis extends ContainerModel {
  static readonly containerType = 'analysis';
  static override readonly rawFields: ReadonlySet<string> = new Set([
    'files',
    'analyses',
    'inputs',
  ]);
  protected override init(): void {
    super.init();
    const self = this as unknown as { inputs?: unknown };
    if (Array.isArray(self.inputs)) {
      self.inputs = self.inputs.map((f) => new FileEntry(this._client, f as object));
    } else if (self.inputs !== undefined) self.inputs = convertShared(self.inputs);
  }
}
Object.defineProperty(Analysis.prototype, 'uploadOutput', {
  configurable: true,
  writable: true,
  async value(
    this: Analysis,
    files: import('./mixins.js').UploadInput | import('./mixins.js').UploadInput[],
    options: import('./mixins.js').UploadFileOptions = {},
  ) {
    const result = await this._client.callOp('upload_output_to_analysis', this.id, files, options);
    const entries = (Array.isArray(result) ? result : []) as FileEntry[];
    for (const e of entries) e.parent = this;
    return entries;
  },
});
Object.defineProperty(Analysis.prototype, 'getJob', {
  configurable: true,
  writable: true,
  value(this: Analysis, options?: MethodOptions) {
    // The job comes inflated on by-id reads and as an id on list reads.
    const job = (this as unknown as { job?: string | { id?: string; _id?: string } }).job;
    const id = typeof job === 'string' ? job : (job?.id ?? job?._id);
    if (!id)
      return Promise.reject(new TypeError(`analysis ${this.id} has no job (an ad hoc analysis)`));
    return this._client.callOp('get_job', id, callOptions(options));
  },
});
export interface Analysis
  extends Without<ContainerData<'AnalysisOutput'>, 'inputs'>, AnalysisObjectMethods {}
/** An analysis as list reads answer it (`AnalysisListOutput`); `reload()` for the full `Analysis`. */
export interface AnalysisListOutput
  extends
    ContainerModel,
    Without<ContainerData<'AnalysisListOutput'>, 'inputs'>,
    AnalysisObjectMethods {}

/** Collection methods (full and list form). */
export interface CollectionMethods extends CapabilityMethods<'collection'> {
  /** The full Collection from the server (`GET /{types}/{id}`); this object is left as it is. List reads leave fields out (e.g. `info`): reload an item for every field. */
  reload(options?: MethodOptions): Promise<Collection>;
  /** Add sessions (ids or objects) to this collection (`PUT /collections/{collection_id}` with `contents`). */
  addSessions(...sessions: (string | { id: string })[]): Promise<void>;
  /** Add sessions, with call options: `addSessions([s1, s2], { signal })`. */
  addSessions(sessions: (string | { id: string })[], options?: MethodOptions): Promise<void>;
  /** Add acquisitions (ids or objects) to this collection. */
  addAcquisitions(...acquisitions: (string | { id: string })[]): Promise<void>;
  /** Add acquisitions, with call options: `addAcquisitions([a1], { signal })`. */
  addAcquisitions(
    acquisitions: (string | { id: string })[],
    options?: MethodOptions,
  ): Promise<void>;
}
/**
 * A collection: a named set of sessions and acquisitions gathered across projects (for example
 * for one analysis or data release), with its own files, notes and access-based permissions.
 * Wire model `CollectionOutput` (by-id reads); finders yield `CollectionListItem`.
 */
export class Collection extends ContainerModel {
  static readonly containerType = 'collection';
}
Object.defineProperties(Collection.prototype, {
  addSessions: {
    configurable: true,
    writable: true,
    async value(this: Collection, ...sessions: unknown[]) {
      await addToCollection(this, 'session', sessions);
    },
  },
  addAcquisitions: {
    configurable: true,
    writable: true,
    async value(this: Collection, ...acquisitions: unknown[]) {
      await addToCollection(this, 'acquisition', acquisitions);
    },
  },
});
export interface Collection extends ContainerData<'CollectionOutput'>, CollectionMethods {}
/** A collection as list reads answer it (`CollectionWithStats` or `CollectionOutput`); `reload()` for the full `Collection`. */
export interface CollectionListItem
  extends ContainerModel, ContainerData<'CollectionWithStats'>, CollectionMethods {}

type CreateBody<T extends string> = import('../client/op-types.js').OpBody<`add_${T}`>;

async function addToCollection(c: Collection, level: string, args: unknown[]): Promise<void> {
  // A trailing object without an `id` is the call options; an array holds the items.
  const last = args[args.length - 1];
  const hasOptions =
    args.length > 0 &&
    last !== null &&
    typeof last === 'object' &&
    !Array.isArray(last) &&
    !('id' in last);
  const options = hasOptions ? callOptions(last) : {};
  const items = (hasOptions ? args.slice(0, -1) : args).flat() as (string | { id: string })[];
  const nodes = items.map((i) => ({ _id: typeof i === 'string' ? i : i.id, level }));
  await c._client.callOp(
    'modify_collection',
    c.id,
    { contents: { operation: 'add', nodes } },
    options,
  );
}

// ---- children: POST the child with its parent link, then GET it ----------------------------

/** How a child's create body links to its parent, per (parent type, child type). */
const CHILD_LINKS: Record<string, (parent: ContainerModel, body: Record<string, unknown>) => void> =
  {
    'group>project': (p, b) => (b['group'] = p.id),
    'project>subject': (p, b) => (b['project'] = p.id),
    'project>session': (p, b) => (b['project'] = p.id),
    'subject>session': (p, b) => {
      b['project'] = (p as Subject).project;
      b['subject'] = { ...((b['subject'] as object | undefined) ?? {}), _id: p.id };
    },
    'session>acquisition': (p, b) => (b['session'] = p.id),
  };

const ADDERS: Record<string, string> = {
  project: 'addProject',
  subject: 'addSubject',
  session: 'addSession',
  acquisition: 'addAcquisition',
};

for (const [link, fn] of Object.entries(CHILD_LINKS)) {
  const [parentType, childType] = link.split('>') as [ContainerType, string];
  const cls = classFor(parentType);
  Object.defineProperty(cls.prototype, ADDERS[childType]!, {
    configurable: true,
    writable: true,
    async value(this: ContainerModel, fields: object, options?: MethodOptions) {
      const body = fieldsOf(fields, ADDERS[childType]!);
      fn(this, body);
      const call = callOptions(options);
      const id = (await this._client.callOp(`add_${childType}`, body, call)) as string;
      return this._client.callOp(`get_${childType}`, id, call);
    },
  });
}

// ---- installation from the capability table -------------------------------------------------

function classFor(type: ContainerType): { prototype: object } {
  return {
    group: Group,
    project: Project,
    subject: Subject,
    session: Session,
    acquisition: Acquisition,
    analysis: Analysis,
    collection: Collection,
  }[type];
}

/** Response schemas (full and list models) whose items are objects of each container class. */
const SCHEMA_NAMES: Record<ContainerType, readonly string[]> = {
  group: ['GroupOutput'],
  project: ['ProjectOutput', 'ProjectListOutput'],
  subject: ['SubjectOutput', 'SubjectOutputForList'],
  session: ['SessionOutput', 'SessionListOutput'],
  acquisition: ['AcquisitionOutput', 'AcquisitionListOutput'],
  analysis: [
    'AnalysisOutput',
    'AnalysisOutputInflatedJob',
    'AnalysisListOutput',
    'AnalysisListOutputInflatedJob',
    'AnalysisListOutputListItem',
    'AnalysisListItem',
  ],
  collection: ['CollectionOutput', 'CollectionWithStats', 'CollectionListItem'],
};

const MIXINS = [
  ['tags', UpdateMethods],
  ['tags', TagMethods],
  ['notes', NoteMethods],
  ['info', InfoMethods],
  ['files', FileMethods],
  ['permissions', PermissionMethods],
  ['templates', PermissionTemplateMethods],
  ['analyses', AnalysisMethods],
  ['tar', TarMethods],
] as const;

for (const type of CONTAINER_TYPES) {
  const cls = classFor(type);
  applyMixins(
    cls,
    MIXINS.filter(([cap]) => CAPABILITIES[type][cap] !== false).map(([, m]) => m),
  );
  installFinders(cls, type);
  const model = type[0]!.toUpperCase() + type.slice(1);
  registerModel(cls as never, [model, ...SCHEMA_NAMES[type]], type);
}
applyMixins(Session, [TimestampMethods, AgeMethods]);
applyMixins(Acquisition, [TimestampMethods]);

/** Any container object (full reads). */
export type Container = Group | Project | Subject | Session | Acquisition | Analysis | Collection;
/** Any container object in its list form (finder items). */
export type ContainerListItem =
  | Group
  | ProjectListOutput
  | SubjectOutputForList
  | SessionListOutput
  | AcquisitionListOutput
  | AnalysisListOutput
  | CollectionListItem;

export { hide };
export type { OpJson };
