export { guessContentType } from './content-type.js';
export { TransferError } from './errors.js';
export { safeFileName } from './filename.js';
export {
  parseMultipartUpload,
  type UploadedFile,
  type UploadOptions,
  type UploadResult,
} from './multipart.js';
export {
  zipInfo,
  openZipMember,
  type ZipInfo,
  type ZipMemberInfo,
  type ZipMemberStream,
} from './zip.js';
export { createTarStream, type TarEntry } from './tar.js';
export {
  parseRange,
  byteRangesBody,
  type ByteRange,
  type ByteRangesOptions,
  type RangePlan,
} from './range.js';
