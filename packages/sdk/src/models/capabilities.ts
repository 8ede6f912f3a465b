/**
 * The capability table (the v21 Python SDK's matrix): which behaviour each container type has,
 * and which list operations back its child finders. `permissions` says which permission model
 * the type's operations take: `'access'` (`AccessPermission`, `{ _id, access }`: groups,
 * collections) or `'role'` (`RolePermission`, `{ _id, role_ids }`: projects). Every container method is written once (see `mixins.ts`) and
 * installed on the classes according to this table; the operation names it calls are derived
 * from the type (`add_{type}_tag`), as in the Python SDK.
 */

export const CAPABILITIES = {
  group: {
    plural: 'groups',
    tags: true,
    notes: false,
    info: false,
    files: false,
    permissions: 'access',
    templates: true,
    analyses: false,
    tar: false,
    finders: { projects: 'get_group_projects' },
  },
  project: {
    plural: 'projects',
    tags: true,
    notes: true,
    info: true,
    files: true,
    permissions: 'role',
    templates: false,
    analyses: true,
    tar: true,
    finders: {
      subjects: 'get_project_subjects',
      sessions: 'get_project_sessions',
      acquisitions: 'get_project_acquisitions',
    },
  },
  subject: {
    plural: 'subjects',
    tags: true,
    notes: true,
    info: true,
    files: true,
    permissions: false,
    templates: false,
    analyses: true,
    tar: true,
    finders: { sessions: 'get_subject_sessions' },
  },
  session: {
    plural: 'sessions',
    tags: true,
    notes: true,
    info: true,
    files: true,
    permissions: false,
    templates: false,
    analyses: true,
    tar: true,
    finders: { acquisitions: 'get_session_acquisitions' },
  },
  acquisition: {
    plural: 'acquisitions',
    tags: true,
    notes: true,
    info: true,
    files: true,
    permissions: false,
    templates: false,
    analyses: true,
    tar: true,
    finders: {},
  },
  analysis: {
    plural: 'analyses',
    tags: true,
    notes: true,
    info: true,
    files: true,
    permissions: false,
    templates: false,
    analyses: false,
    tar: true,
    finders: {},
  },
  collection: {
    plural: 'collections',
    tags: true,
    notes: true,
    info: true,
    files: true,
    // v21 keeps access-based permission operations on collections (the Python mixin has none).
    permissions: 'access',
    templates: false,
    // v21 has no collection analyses.
    analyses: false,
    tar: false,
    finders: {
      sessions: 'get_collection_sessions',
      acquisitions: 'get_collection_acquisitions',
    },
  },
} as const;

export type ContainerType = keyof typeof CAPABILITIES;
export type Capability =
  'tags' | 'notes' | 'info' | 'files' | 'permissions' | 'templates' | 'analyses' | 'tar';

export const CONTAINER_TYPES = Object.keys(CAPABILITIES) as ContainerType[];

/** Whether a type has a capability. */
export function has<T extends ContainerType>(type: T, cap: Capability): boolean {
  return CAPABILITIES[type][cap] !== false;
}

/**
 * The file operations a container's file methods call, by kind. `{t}` is the container type.
 * Analyses keep their files in the *output* group; in v21 only their upload has its own name.
 */
export const FILE_OPS = {
  upload: 'upload_file_to_{t}',
  download: 'download_file_from_{t}',
  read: 'download_file_from_{t}_as_data',
  url: 'get_{t}_download_url',
  zipInfo: 'get_{t}_file_zip_info',
  modify: 'modify_{t}_file',
  delete: 'delete_{t}_file',
  setInfo: 'set_{t}_file_info',
  replaceInfo: 'replace_{t}_file_info',
  deleteInfo: 'delete_{t}_file_info_fields',
  modifyClassification: 'modify_{t}_file_classification',
  setClassification: 'set_{t}_file_classification',
  deleteClassification: 'delete_{t}_file_classification_fields',
} as const;
export type FileOpKind = keyof typeof FILE_OPS;

const ANALYSIS_FILE_OPS: Partial<Record<FileOpKind, string>> = {
  // v21: an analysis's own files (its outputs) are read through the plain file operations
  // (`download_file_from_analysis`, `get_analysis_download_url`, `get_analysis_file_zip_info`);
  // only the upload has its own name.
  upload: 'upload_output_to_analysis',
};

/** The operation name for a file method on a container type. */
export function fileOp(type: string, kind: FileOpKind): string {
  if (type === 'analysis' && ANALYSIS_FILE_OPS[kind]) return ANALYSIS_FILE_OPS[kind]!;
  return FILE_OPS[kind].replace('{t}', type);
}
