import mime from 'mime';

/** The MIME type a stored file gets from its name alone (octet-stream when the name says nothing). */
export function guessContentType(name: string): string {
  return mime.getType(name) ?? 'application/octet-stream';
}
