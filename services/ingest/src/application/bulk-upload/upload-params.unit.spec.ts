import { parseUploadParams } from './upload-params';

describe('parseUploadParams', () => {
  it('takes the upload id from the header or the query, and fromLine from the query', () => {
    expect(parseUploadParams({}, {})).toEqual({
      ok: true,
      value: { uploadId: undefined, fromLine: null },
    });
    expect(parseUploadParams({ fromLine: '4711' }, { 'upload-id': 'daily-2024.05_01' })).toEqual({
      ok: true,
      value: { uploadId: 'daily-2024.05_01', fromLine: 4711 },
    });
    expect(parseUploadParams({ uploadId: 'abc' }, { 'upload-id': 'abc' })).toEqual({
      ok: true,
      value: { uploadId: 'abc', fromLine: null },
    });
  });

  it('names every bad value by its field', () => {
    const parsed = parseUploadParams(
      { uploadId: '../etc', fromLine: '0' },
      { 'upload-id': `${'x'.repeat(65)}` },
    );
    expect(parsed.ok ? [] : parsed.errors.map((error) => error.field)).toEqual([
      'Upload-Id',
      'uploadId',
      'uploadId',
      'fromLine',
    ]);
  });

  it.each([['-3'], ['2.5'], ['12abc'], [''], ['1e3'], ['9999999999999999']])(
    'refuses fromLine=%j',
    (fromLine) => {
      const parsed = parseUploadParams({ fromLine }, {});
      expect(parsed).toEqual({
        ok: false,
        errors: [{ field: 'fromLine', message: expect.stringMatching(/^must be a whole number/) }],
      });
    },
  );

  it('refuses a parameter given twice or as an object', () => {
    const parsed = parseUploadParams({ uploadId: ['a', 'b'], fromLine: { x: '1' } }, {});
    expect(parsed).toEqual({
      ok: false,
      errors: [
        { field: 'uploadId', message: 'must be given once, as text' },
        { field: 'fromLine', message: 'must be given once, as text' },
      ],
    });
  });

  it('refuses an upload id in the query that differs from the header', () => {
    expect(parseUploadParams({ uploadId: 'a' }, { 'upload-id': 'b' })).toEqual({
      ok: false,
      errors: [{ field: 'uploadId', message: 'differs from the Upload-Id header' }],
    });
  });
});
