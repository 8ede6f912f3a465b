import type {
  Acquisition,
  Analysis,
  Collection,
  Group,
  Project,
  Session,
  Subject,
} from './containers.js';
import type { FileEntry } from './file-entry.js';
import type { Gear, Job, Role, User } from './others.js';
export type { DateInputs } from './containers.js';

/** SDK classes by `x-fw-model` name. */
export interface Models {
  Group: Group;
  Project: Project;
  Subject: Subject;
  Session: Session;
  Acquisition: Acquisition;
  Analysis: Analysis;
  Collection: Collection;
  FileEntry: FileEntry;
  Job: Job;
  Gear: Gear;
  User: User;
  Role: Role;
}
