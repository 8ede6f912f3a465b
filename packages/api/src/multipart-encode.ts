/**
 * The multipart/form-data encoder behind `streamingMultipart`: parts pulled one chunk at a time.
 * Loaded with the first streamed upload, so apps that never stream one do not carry it.
 */
import type { FileSource, StreamFilePart } from './multipart.js';

const encoder = new TextEncoder();

/** Quote a header parameter value the way browsers do (`"` → %22, CR/LF → %0D/%0A). */
function quoteParam(value: string): string {
  return value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

// Written out here rather than imported, so that this module shares no chunk with the first load.
const asBytes = (v: ArrayBuffer | ArrayBufferView): Uint8Array =>
  v instanceof ArrayBuffer
    ? new Uint8Array(v)
    : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);

async function* chunksOf(data: FileSource): AsyncGenerator<Uint8Array> {
  if (data instanceof Blob) {
    yield* chunksOf(data.stream());
  } else if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
    yield asBytes(data);
  } else if (data instanceof ReadableStream) {
    const reader = data.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      reader.releaseLock();
    }
  } else {
    for await (const chunk of data) {
      yield typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
    }
  }
}

/** The body's bytes in order: the text fields, then each file part, then the closing boundary. */
export async function* encodeParts(
  files: StreamFilePart[],
  fields: { name: string; value: string }[],
  boundary: string,
): AsyncGenerator<Uint8Array> {
  for (const field of fields) {
    yield encoder.encode(
      `--${boundary}\r\nContent-Disposition: form-data; name="${quoteParam(field.name)}"\r\n\r\n${field.value}\r\n`,
    );
  }
  for (const file of files) {
    yield encoder.encode(
      `--${boundary}\r\nContent-Disposition: form-data; name="${quoteParam(file.name)}"; filename="${quoteParam(file.filename)}"\r\n` +
        `Content-Type: ${file.contentType}\r\n\r\n`,
    );
    yield* chunksOf(file.data);
    yield encoder.encode('\r\n');
  }
  yield encoder.encode(`--${boundary}--\r\n`);
}
