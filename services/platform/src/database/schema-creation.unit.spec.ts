import { createSchemaIfMissing } from './schema-creation';

const failingWith = (code: string) => async () => {
  throw Object.assign(new Error('from Postgres'), { code });
};

describe('createSchemaIfMissing', () => {
  it('creates the schema, quoted', async () => {
    const sent: string[] = [];
    await createSchemaIfMissing(async (sql) => sent.push(sql), 'demo_1');
    expect(sent).toEqual(['CREATE SCHEMA IF NOT EXISTS "demo_1"']);
  });

  it.each(['23505', '42P06'])('takes a lost race (%s) as done: the schema exists', async (code) => {
    await expect(createSchemaIfMissing(failingWith(code), 'demo_1')).resolves.toBeUndefined();
  });

  it('passes any other error on', async () => {
    await expect(createSchemaIfMissing(failingWith('42501'), 'demo_1')).rejects.toThrow(
      'from Postgres',
    );
  });
});
