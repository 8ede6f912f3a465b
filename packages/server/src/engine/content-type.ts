import mime from 'mime';

/** The MIME type an output file is stored with, from its name (octet-stream when unknown). */
export function guessContentType(name: string): string {
  return mime.getType(name) ?? 'application/octet-stream';
}
