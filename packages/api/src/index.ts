/**
 * `@fw/api`: the low-level Flywheel client. An openapi-fetch client typed by the generated
 * `paths`, with Flywheel key auth, thrown typed errors, retries, timeouts, streaming downloads
 * and multipart uploads.
 *
 * @module @fw/api
 */
export {
  createApiClient,
  defaultUserAgent,
  DEFAULT_FEATURES,
  DEFAULT_MAX_RETRIES,
} from './client.js';
export type { ApiClient, ApiClientOptions, ApiResponse } from './client.js';
export { authorizationHeader, authSchemeFor, BEARER_KEY_LENGTH, parseApiKey } from './apiKey.js';
export type { AuthScheme, ParsedApiKey } from './apiKey.js';
export {
  FlywheelError,
  ConfigurationError,
  ApiKeyError,
  ApiConnectionError,
  ApiTimeoutError,
  ApiAbortError,
} from './errors.js';
export {
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
  createApiError,
  reasonPhrase,
} from './api-errors.js';
export type { ApiErrorInit } from './api-errors.js';
export {
  createFlywheelFetch,
  errorCode,
  errorMessages,
  flywheelBodySerializer,
  flywheelRequestClass,
  isConnectFailure,
  isConnectionReset,
  mergeFeatures,
  parseRetryAfter,
  FEATURE_HEADER,
  DEFAULT_IDLE_TIMEOUT_MS,
  IDEMPOTENT_METHODS,
  MAX_REDIRECTS,
  REDIRECT_STATUSES,
  RETRY_STATUSES,
} from './transport.js';
export type { CallOptions, FetchLike, RetryOptions, TransportOptions } from './transport.js';
export { redactText, scrubError, REDACTED } from './redact.js';
export { abortableSleep } from './sleep.js';
export { resolveLogger } from './log.js';
export type { Logger, RequestLogFields } from './log.js';
export { multipartBody, streamingMultipart, StreamingMultipartBody } from './multipart.js';
export type {
  FileSource,
  MultipartBody,
  MultipartBodyOptions,
  MultipartFile,
} from './multipart.js';
export { downloadToStream, responseBodyStream } from './streaming.js';
export type { DownloadOptions, DownloadSource } from './streaming.js';
export { PACKAGE_NAME, VERSION } from './version.js';
export type { paths, components, operations } from './generated/schema.js';
// The operation table itself is `@fw/api/operations` (loaded on demand; see src/operations.ts).
export { EXHAUSTIVE_OPERATIONS } from './generated/exhaustive.js';
export type {
  OperationId,
  OperationInfo,
  OperationTable,
  QueryParamInfo,
  HttpMethod,
} from './generated/operations.js';
