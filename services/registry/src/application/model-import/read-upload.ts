import type { IncomingMessage } from 'node:http';

/** Why an upload's bytes were not all received: the status to answer with and a message. */
export class UploadError extends Error {
  constructor(
    readonly status: 400 | 411 | 413,
    message: string,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}

/**
 * The request's whole body, at most `limit` bytes. A body larger than that, or declared larger,
 * is refused without being read to its end; one cut off before its Content-Length (a client
 * gone mid-upload) is an error, never a shorter file.
 */
export function readUpload(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = request.headers['content-length'];
  if (declared === undefined && request.headers['transfer-encoding'] === undefined)
    return Promise.reject(
      new UploadError(411, 'send the model file as the body, with a Content-Length'),
    );
  if (declared !== undefined && Number(declared) > limit)
    return Promise.reject(
      new UploadError(413, `the model is ${declared} bytes; at most ${limit} are accepted`),
    );
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const fail = (error: UploadError) => {
      request.removeAllListeners('data');
      request.resume();
      reject(error);
    };
    request.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) fail(new UploadError(413, `the model is over ${limit} bytes`));
      else chunks.push(chunk);
    });
    request.on('aborted', () =>
      fail(new UploadError(400, 'the upload was cut off before its end')),
    );
    request.on('error', (error) =>
      fail(new UploadError(400, `the upload failed: ${error.message}`)),
    );
    request.on('end', () => {
      if (!request.complete) fail(new UploadError(400, 'the upload was cut off before its end'));
      else if (received === 0) fail(new UploadError(400, 'the body is empty: send the ONNX file'));
      else resolve(Buffer.concat(chunks, received));
    });
  });
}
