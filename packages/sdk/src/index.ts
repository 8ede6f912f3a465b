/**
 * `@fw/sdk`: the runtime-neutral entry (any runtime with fetch). File paths, CLI credentials
 * and the CA bundle option live in `@fw/sdk/node`, which re-exports everything here.
 *
 * @module @fw/sdk
 */
export { Client } from './client/client.js';
export type {
  ResolveResult,
  ResolvedNode,
  TarTarget,
  DownloadTarOptions,
} from './client/client.js';
export type { ClientOptions } from './client/core.js';
export { createDroneClient } from './client/drone-client.js';
export { droneApiKey } from './client/drone.js';
export type { DroneLogin } from './client/drone.js';
export type { AuthStatus } from './client/auth.js';
export { camelCase, encodePathParam } from './client/core.js';
export type { DownloadDestination, DownloadOptions, ReadOptions } from './client/platform.js';
export type {
  BodyOf,
  CallOptions,
  Classification,
  FileZipInfo,
  ModelOf,
  OpBody,
  OpJson,
  OpQuery,
  OperationId,
  SchemaName,
  Schemas,
  UploadInput,
  UploadOptions,
} from './client/op-types.js';
export { SDK_VERSION } from './client/version.js';

// finders
export { createFinder, FindOneError, Page, DEFAULT_PAGE_SIZE } from './finders/finder.js';
export type {
  BaseFindOptions,
  CamelCase,
  Finder,
  FinderParams,
  FinderSource,
  FindOptions,
  FindArgs,
  RawPage,
} from './finders/finder.js';
export {
  InvalidFilterError,
  parseFilter,
  parseFilterTerm,
  joinFilters,
  validateSort,
  FILTER_OPERATORS,
} from './finders/filters.js';
export type { FilterTerm, FilterOperator } from './finders/filters.js';
export type { AnyWhere, ItemWhere, WhereOption } from './finders/finder.js';
export type {
  Comparison,
  Condition,
  Instant,
  ObjectCondition,
  Scalar,
  StringComparison,
  Where,
  WhereOf,
} from './finders/where.js';

// objects
export { Model, ResourceModel, wrapModel } from './models/base.js';
export {
  ContainerModel,
  Group,
  Project,
  Subject,
  Session,
  Acquisition,
  Analysis,
  Collection,
} from './models/containers.js';
export type {
  Container,
  ContainerListItem,
  ContainerData,
  CapabilityMethods,
  DateInputs,
  NewContainerFields,
  ProjectListOutput,
  SubjectOutputForList,
  SessionListOutput,
  AcquisitionListOutput,
  AnalysisListOutput,
  CollectionListItem,
  GroupMethods,
  ProjectMethods,
  SubjectMethods,
  SessionMethods,
  AcquisitionMethods,
  AnalysisObjectMethods,
  CollectionMethods,
} from './models/containers.js';
export { FileEntry } from './models/file-entry.js';
export { Job, Gear, User, Role } from './models/others.js';
export type {
  GearRunOptions,
  GearBatchOptions,
  RefLike,
  JobListOutput,
  JobMethods,
  JobLog,
  JobPriority,
} from './models/others.js';
export { CAPABILITIES, CONTAINER_TYPES, FILE_OPS, fileOp } from './models/capabilities.js';
export type { ContainerType, Capability } from './models/capabilities.js';
export type {
  ContainerRef,
  FileRef,
  Permission,
  AccessPermission,
  AccessPermissionUpdate,
  AccessPermissionOutput,
  RolePermission,
  RolePermissionUpdate,
  RolePermissionOutput,
  AccessPermissionMethods,
  RolePermissionMethods,
  TemplateOptions,
  ModifiedResult,
  Note,
  AnalysisFields,
  UploadFileOptions,
} from './models/mixins.js';
export { parseDates, DATE_FIELDS } from './models/dates.js';
export type { WithDates } from './models/dates.js';
export type { Models, ListModels } from './models/types.js';

// files and time (runtime neutral)
export { FileSpec, FileSpecError, toFileSpecs, guessContentType } from './files/file-spec.js';
export type { FileContents, FileSpecInput } from './files/file-spec.js';
export { DownloadError } from './files/download-error.js';
export { mapConcurrent, forEachConcurrent } from './files/concurrency.js';
export type { ProgressCallback, TransferProgress } from './files/upload.js';
export { requestStreamsSupported } from './files/request-streams.js';
export * from './time/index.js';
export type { MethodOptions } from './models/context.js';
export * from './views/index.js';

// errors (from @fw/api): ApiError has status, reason, detail; ApiException is the Python name.
export {
  FlywheelError,
  ConfigurationError,
  ApiKeyError,
  ApiError,
  ApiException,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  UnprocessableEntityError,
  RateLimitError,
  InternalServerError,
  ApiConnectionError,
  ApiTimeoutError,
  ApiAbortError,
  parseApiKey,
} from '@fw/api';
export type { ApiClient, ParsedApiKey } from '@fw/api';

// gear runs and batches
export * from './gears/index.js';
