export { BlobError } from './errors.js';
export {
  createBlobStore,
  type BlobInfo,
  type BlobSource,
  type BlobStore,
  type BlobStoreOptions,
  type ByteRange,
  type WriteOptions,
} from './blob-store.js';
