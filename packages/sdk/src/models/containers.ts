/**
 * Container classes. Each is a few lines: its wire type, its capability-derived method
 * interfaces, and a registration; the behaviour lives once in `mixins.ts`.
 */
import type { Finder } from '../finders/finder.js';
import type { OpJson, Schemas, UpdateFields } from '../client/op-types.js';
import * as time from '../time/index.js';
import { ResourceModel, hide, registerModel, wrapModel } from './base.js';
import { CAPABILITIES, CONTAINER_TYPES, type ContainerType } from './capabilities.js';
import { fieldsOf } from './context.js';
import type { DateField, WithDates } from './dates.js';
import { FileEntry } from './file-entry.js';
import {
  AnalysisMethods,
  FileMethods,
  InfoMethods,
  NoteMethods,
  PermissionMethods,
  TagMethods,
  TarMethods,
  UpdateMethods,
  applyMixins,
  installFinders,
} from './mixins.js';

/** Wire fields with one key removed; keeps known keys even when the type has an index signature. */
type Without<T, K extends PropertyKey> = { [P in keyof T as P extends K ? never : P]: T[P] };

/** Input fields: date fields accept a `Date` or a Temporal `Instant`/`ZonedDateTime` as well as ISO strings. */
export type DateInputs<T> = {
  [K in keyof T]: K extends DateField
    ? T[K] | Date | InstanceType<typeof time.Temporal.Instant> | time.ZonedDateTime
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

  protected override init(): void {
    super.init();
    const self = this as unknown as { files?: unknown; analyses?: unknown };
    if (Array.isArray(self.files)) {
      self.files = self.files.map((f) => {
        const entry = new FileEntry(this._client, f as object);
        entry.parent = this;
        return entry;
      });
    }
    if (Array.isArray(self.analyses)) {
      self.analyses = wrapModel(this._client, 'Analysis', self.analyses);
    }
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
  get ageYears(): number | null | undefined {
    return time.ageYears(this as time.HasAge);
  }
  get ageMonths(): number | null | undefined {
    return time.ageMonths(this as time.HasAge);
  }
  get ageWeeks(): number | null | undefined {
    return time.ageWeeks(this as time.HasAge);
  }
  get ageDays(): number | null | undefined {
    return time.ageDays(this as time.HasAge);
  }
}

type Caps = typeof CAPABILITIES;
type If<C, M> = C extends true ? M : unknown;

/** The methods a container type gets from the capability table. */
export type CapabilityMethods<T extends ContainerType> = If<Caps[T]['tags'], TagMethods> &
  If<Caps[T]['notes'], NoteMethods> &
  If<Caps[T]['info'], InfoMethods> &
  If<Caps[T]['files'], FileMethods> &
  If<Caps[T]['permissions'], PermissionMethods> &
  If<Caps[T]['analyses'], AnalysisMethods> &
  If<Caps[T]['tar'], TarMethods> & {
    update(fields: DateInputs<UpdateFields<T>>): Promise<void>;
  } & {
    readonly [F in keyof Caps[T]['finders']]: Finder<FinderItem<Caps[T]['finders'][F]>>;
  };

type FinderItem<Op> = Op extends `get_${string}_${infer Child}`
  ? Child extends 'projects'
    ? Project
    : Child extends 'subjects'
      ? Subject
      : Child extends 'sessions'
        ? Session
        : Child extends 'acquisitions'
          ? Acquisition
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

export class Group extends ContainerModel {
  static readonly containerType = 'group';
  /** Create a project in this group (`POST /projects`), then fetch it. */
  declare addProject: (fields: NewContainerFields<'project'>) => Promise<Project>;
}
export interface Group extends ContainerData<'Group'>, CapabilityMethods<'group'> {}

export class Project extends ContainerModel {
  static readonly containerType = 'project';
  /** Create a subject in this project, then fetch it. */
  declare addSubject: (fields: NewContainerFields<'subject'>) => Promise<Subject>;
  /** Create a session in this project, then fetch it. */
  declare addSession: (fields: NewContainerFields<'session'>) => Promise<Session>;
}
export interface Project extends ContainerData<'Project'>, CapabilityMethods<'project'> {}

export class Subject extends ContainerModel {
  static readonly containerType = 'subject';
  /** Create a session for this subject, then fetch it. */
  declare addSession: (fields: NewContainerFields<'session'>) => Promise<Session>;
}
export interface Subject extends ContainerData<'Subject'>, CapabilityMethods<'subject'> {}

export class Session extends ContainerModel {
  static readonly containerType = 'session';
  /** Create an acquisition in this session, then fetch it. */
  declare addAcquisition: (fields: NewContainerFields<'acquisition'>) => Promise<Acquisition>;
  protected override init(): void {
    super.init();
    const self = this as unknown as { subject?: unknown };
    if (self.subject && typeof self.subject === 'object') {
      self.subject = new Subject(this._client, self.subject);
    }
  }
}
export interface Session
  extends ContainerData<'Session'>, CapabilityMethods<'session'>, TimestampMethods, AgeMethods {
  /** The session's subject (embedded). */
  subject?: Subject;
}

export class Acquisition extends ContainerModel {
  static readonly containerType = 'acquisition';
}
export interface Acquisition
  extends ContainerData<'Acquisition'>, CapabilityMethods<'acquisition'>, TimestampMethods {}

export class Analysis extends ContainerModel {
  static readonly containerType = 'analysis';
  protected override init(): void {
    super.init();
    const self = this as unknown as { inputs?: unknown };
    if (Array.isArray(self.inputs)) {
      self.inputs = self.inputs.map((f) => new FileEntry(this._client, f as object));
    }
  }
  /**
   * Upload output files (one or several) to this (ad hoc) analysis; resolves to the saved
   * `FileEntry` objects, as `uploadFile` does (signed-URL or multipart flow, see `files/upload-flow.ts`).
   */
  async uploadOutput(
    files: import('./mixins.js').UploadInput | import('./mixins.js').UploadInput[],
    options: import('./mixins.js').UploadFileOptions = {},
  ): Promise<FileEntry[]> {
    const result = await this._client.callOp('upload_output_to_analysis', this.id, files, options);
    const entries = (Array.isArray(result) ? result : []) as FileEntry[];
    for (const e of entries) e.parent = this;
    return entries;
  }
}
export interface Analysis
  extends Without<ContainerData<'Analysis'>, 'inputs'>, CapabilityMethods<'analysis'> {
  /** Input files (no parent: they belong to other containers). */
  inputs?: FileEntry[];
}

export class Collection extends ContainerModel {
  static readonly containerType = 'collection';
  /** Add sessions (ids or objects) to this collection. */
  async addSessions(...sessions: (string | { id: string })[]): Promise<void> {
    await addToCollection(this, 'session', sessions);
  }
  /** Add acquisitions (ids or objects) to this collection. */
  async addAcquisitions(...acquisitions: (string | { id: string })[]): Promise<void> {
    await addToCollection(this, 'acquisition', acquisitions);
  }
}
export interface Collection extends ContainerData<'Collection'>, CapabilityMethods<'collection'> {}

type CreateBody<T extends string> = import('../client/op-types.js').OpBody<`add_${T}`>;

async function addToCollection(
  c: Collection,
  level: string,
  items: (string | { id: string })[],
): Promise<void> {
  const nodes = items.map((i) => ({ _id: typeof i === 'string' ? i : i.id, level }));
  await c._client.callOp('modify_collection', c.id, { contents: { operation: 'add', nodes } });
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
    async value(this: ContainerModel, fields: object) {
      const body = fieldsOf(fields, ADDERS[childType]!);
      fn(this, body);
      const id = (await this._client.callOp(`add_${childType}`, body)) as string;
      return this._client.callOp(`get_${childType}`, id);
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

const MIXINS = [
  ['tags', UpdateMethods],
  ['tags', TagMethods],
  ['notes', NoteMethods],
  ['info', InfoMethods],
  ['files', FileMethods],
  ['permissions', PermissionMethods],
  ['analyses', AnalysisMethods],
  ['tar', TarMethods],
] as const;

for (const type of CONTAINER_TYPES) {
  const cls = classFor(type);
  applyMixins(
    cls,
    MIXINS.filter(([cap]) => CAPABILITIES[type][cap]).map(([, m]) => m),
  );
  installFinders(cls, type);
  registerModel(cls as never, [type[0]!.toUpperCase() + type.slice(1)], type);
}
applyMixins(Session, [TimestampMethods, AgeMethods]);
applyMixins(Acquisition, [TimestampMethods]);

/** Any container object. */
export type Container = Group | Project | Subject | Session | Acquisition | Analysis | Collection;

export { hide };
export type { OpJson };
