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
export {
  UploadError,
  issueUploadTicket,
  getUploadTicket,
  receiveUploadPart,
  claimUploadTicket,
  dropUploadTicket,
  sweepUploadTickets,
  sweepOrphanBlobs,
  recoverUploads,
  type UploadTicketRow,
  type IssueOptions,
  type IssuedTicket,
  type ClaimedFile,
  type ClaimedUpload,
} from './upload-tickets.js';
