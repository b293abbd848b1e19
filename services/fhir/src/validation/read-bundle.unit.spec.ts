import { readBundle } from './read-bundle';

const patient = { resourceType: 'Patient' };

describe('readBundle', () => {
  it('reads a collection: each resource with its fullUrl and location', () => {
    const read = readBundle({
      resourceType: 'Bundle',
      type: 'collection',
      entry: [{ fullUrl: 'urn:uuid:1', resource: patient }, { resource: patient }],
    });
    expect(read).toEqual({
      type: 'collection',
      issues: [],
      entries: [
        {
          resource: patient,
          fullUrl: 'urn:uuid:1',
          location: 'Bundle.entry[0].resource',
          index: 0,
        },
        { resource: patient, location: 'Bundle.entry[1].resource', index: 1 },
      ],
    });
  });

  it('reads a transaction entry’s request (POST or PUT); the caller applies all-or-nothing', () => {
    const read = readBundle({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { resource: patient, request: { method: 'POST', url: 'Patient' } },
        { resource: patient, request: { method: 'PUT', url: 'Patient/1' } },
        { resource: patient, request: { method: 'DELETE', url: 'Patient/2' } },
        { resource: patient },
      ],
    });
    expect(read.type).toBe('transaction');
    expect(read.entries.map((entry) => entry.request)).toEqual([
      { method: 'POST', url: 'Patient' },
      { method: 'PUT', url: 'Patient/1' },
    ]);
    expect(read.issues.map((issue) => [issue.code, issue.expression[0]])).toEqual([
      ['not-supported', 'Bundle.entry[2].request.method'],
      ['required', 'Bundle.entry[3].request'],
    ]);
  });

  it('takes a batch', () => {
    expect(readBundle({ resourceType: 'Bundle', type: 'batch', entry: [] })).toEqual({
      type: 'batch',
      entries: [],
      issues: [],
    });
  });

  it('refuses what is no bundle, a bundle of another type, and entries without a resource', () => {
    expect(readBundle({ resourceType: 'Patient' }).issues[0]).toMatchObject({
      code: 'structure',
      expression: ['Bundle'],
    });
    expect(readBundle([]).type).toBeUndefined();
    expect(readBundle({ resourceType: 'Bundle', type: 'searchset' }).issues[0]).toMatchObject({
      code: 'not-supported',
      expression: ['Bundle.type'],
    });
    expect(
      readBundle({ resourceType: 'Bundle', type: 'collection', entry: [{ fullUrl: 'urn:uuid:1' }] })
        .issues[0],
    ).toMatchObject({ code: 'required', expression: ['Bundle.entry[0]'] });
  });
});
