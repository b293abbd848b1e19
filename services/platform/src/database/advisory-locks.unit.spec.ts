import { advisoryLockName, lockInTransaction, schemaOf } from './advisory-locks';

describe('advisory locks', () => {
  it('names a lock readmit.<parts>, as every release before named it', () => {
    expect(advisoryLockName('projection', 'public', 'encounter_summary')).toBe(
      'readmit.projection.public.encounter_summary',
    );
    expect(advisoryLockName('ingest', 'tables', 'tenant_a')).toBe('readmit.ingest.tables.tenant_a');
    // The topic prefix carries its own separator (or is empty): it is one part with the model.
    expect(advisoryLockName('registry', 'ci.readmission')).toBe('readmit.registry.ci.readmission');
    expect(advisoryLockName('orchestrator', 'readmission')).toBe(
      'readmit.orchestrator.readmission',
    );
  });

  it('locks per schema, public when the connection names none', () => {
    const managerIn = (schema?: string) =>
      ({
        connection: { options: { schema } },
      }) as unknown as Parameters<typeof schemaOf>[0];
    expect(schemaOf(managerIn('tenant_a'))).toBe('tenant_a');
    expect(schemaOf(managerIn())).toBe('public');
  });

  it('takes a transaction-scoped lock on the hash of the name', async () => {
    const query = jest.fn().mockResolvedValue([]);
    await lockInTransaction({ query }, 'readmit.registry.readmission');
    expect(query).toHaveBeenCalledWith('SELECT pg_advisory_xact_lock(hashtext($1))', [
      'readmit.registry.readmission',
    ]);
  });
});
