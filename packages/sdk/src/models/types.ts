import type {
  Acquisition,
  AcquisitionListOutput,
  Analysis,
  AnalysisListOutput,
  Collection,
  CollectionListItem,
  Group,
  Project,
  ProjectListOutput,
  Session,
  SessionListOutput,
  Subject,
  SubjectOutputForList,
} from './containers.js';
import type { FileEntry } from './file-entry.js';
import type { Gear, Job, JobListOutput, Role, User } from './others.js';
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

/**
 * SDK object types of the list models, by response schema name: an operation answering one of
 * these (a finder's list op) is typed as the list form, which shows the fields a list leaves out.
 */
export interface ListModels {
  ProjectListOutput: ProjectListOutput;
  SubjectOutputForList: SubjectOutputForList;
  SessionListOutput: SessionListOutput;
  AcquisitionListOutput: AcquisitionListOutput;
  AnalysisListOutput: AnalysisListOutput;
  AnalysisListOutputListItem: AnalysisListOutput;
  AnalysisListItem: AnalysisListOutput;
  CollectionListItem: CollectionListItem;
  CollectionWithStats: CollectionListItem;
  JobListOutput: JobListOutput;
}
