import type { IncomingHttpHeaders } from 'node:http';
import type { FieldError } from '@readmit/ml';
import { fieldErrorsOf } from '@readmit/platform/openapi';
import { z } from 'zod';

/** An upload id: the client's name for its upload, or a UUID made for it. */
export const UPLOAD_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const UPLOAD_ID_RULE =
  'must be 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit';
const ONCE = 'must be given once, as text';

const uploadIdField = z.string({ error: ONCE }).regex(UPLOAD_ID, { error: UPLOAD_ID_RULE });

/**
 * `POST /v1/encounters/bulk`'s query: what checks it and what the OpenAPI document says of it.
 * `fromLine` is a whole number from 1 of at most 15 digits, as text.
 */
export const uploadQuerySchema = z.object({
  uploadId: uploadIdField
    .optional()
    .describe(
      "The client's name for the upload (or the Upload-Id header): its report is at GET /v1/encounters/bulk/{uploadId}. Default: a UUID made for it.",
    ),
  fromLine: z
    .string({ error: ONCE })
    .regex(/^(?=\d{1,15}$)0*[1-9]\d*$/, {
      error: 'must be a whole number from 1 (a line of the file)',
    })
    .optional()
    .describe('Resume an upload: rows starting before this line of the file are passed over.'),
});

/** Its header: the upload id, in place of (or the same as) `?uploadId=`. */
export const uploadHeadersSchema = z.object({
  'Upload-Id': uploadIdField.optional().describe('The upload id, as `?uploadId=`.'),
});

/** `GET /v1/encounters/bulk/{uploadId}`'s path. */
export const uploadReportParams = z.object({
  uploadId: z.string().regex(UPLOAD_ID, { error: UPLOAD_ID_RULE }),
});

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
  const header = uploadHeadersSchema.safeParse({ 'Upload-Id': headers['upload-id'] });
  const fromQuery = uploadQuerySchema.safeParse(query);
  const issues = fromQuery.success ? [] : fromQuery.error.issues;
  const about = (field: string) => fieldErrorsOf(issues.filter((issue) => issue.path[0] === field));
  const errors: FieldError[] = [
    ...(header.success ? [] : fieldErrorsOf(header.error.issues)),
    ...about('uploadId'),
  ];
  const [byHeader, byQuery] = [headers['upload-id'], query.uploadId];
  if (typeof byHeader === 'string' && typeof byQuery === 'string' && byHeader !== byQuery)
    errors.push({ field: 'uploadId', message: 'differs from the Upload-Id header' });
  errors.push(...about('fromLine'));
  if (!header.success || !fromQuery.success || errors.length > 0) return { ok: false, errors };
  const { fromLine, uploadId } = fromQuery.data;
  return {
    ok: true,
    value: {
      uploadId: header.data['Upload-Id'] ?? uploadId,
      fromLine: fromLine === undefined ? null : Number(fromLine),
    },
  };
}
