import type { IncomingHttpHeaders } from 'node:http';
import type { FieldError } from '@readmit/ml';

/** An upload id: the client's name for its upload, or a UUID made for it. */
export const UPLOAD_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const UPLOAD_ID_RULE =
  'must be 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit';

export interface UploadParams {
  /** The client's name for the upload (header `Upload-Id` or `?uploadId=`); undefined: none given. */
  readonly uploadId: string | undefined;
  /** Rows starting before this line are passed over (`?fromLine=`); null: from the start. */
  readonly fromLine: number | null;
}

export type Parsed<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: FieldError[] };

/** The upload's parameters from the query and headers, with every problem named by its field. */
export function parseUploadParams(
  query: Readonly<Record<string, unknown>>,
  headers: IncomingHttpHeaders,
): Parsed<UploadParams> {
  const errors: FieldError[] = [];
  const header = headers['upload-id'];
  const fromHeader = oneValue('Upload-Id', header, errors);
  const fromQuery = oneValue('uploadId', query.uploadId, errors);
  for (const [field, value] of [
    ['Upload-Id', fromHeader],
    ['uploadId', fromQuery],
  ] as const) {
    if (value !== undefined && !UPLOAD_ID.test(value))
      errors.push({ field, message: UPLOAD_ID_RULE });
  }
  if (fromHeader !== undefined && fromQuery !== undefined && fromHeader !== fromQuery)
    errors.push({ field: 'uploadId', message: 'differs from the Upload-Id header' });

  let fromLine: number | null = null;
  const line = oneValue('fromLine', query.fromLine, errors);
  if (line !== undefined) {
    fromLine = /^\d{1,15}$/.test(line) ? Number(line) : NaN;
    if (!(fromLine >= 1))
      errors.push({
        field: 'fromLine',
        message: 'must be a whole number from 1 (a line of the file)',
      });
  }
  return errors.length > 0
    ? { ok: false, errors }
    : { ok: true, value: { uploadId: fromHeader ?? fromQuery, fromLine } };
}

/** A parameter given at most once, as text. */
function oneValue(field: string, value: unknown, errors: FieldError[]): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  errors.push({ field, message: 'must be given once, as text' });
  return undefined;
}
