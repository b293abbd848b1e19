/** The id columns of diabetic_data.csv whose meaning is listed in IDs_mapping.csv. */
export const MAPPED_ID_COLUMNS = [
  'admission_type_id',
  'discharge_disposition_id',
  'admission_source_id',
] as const;
export type MappedIdColumn = (typeof MAPPED_ID_COLUMNS)[number];

/** id → description for each mapped column. */
export type IdsMapping = Readonly<Record<MappedIdColumn, ReadonlyMap<number, string>>>;

/**
 * Parses IDs_mapping.csv: three sections, each a `<column>,description` header followed by
 * `id,description` rows, separated by a `,` line. Descriptions may be quoted and padded.
 */
export function parseIdsMapping(text: string): IdsMapping {
  const sections = new Map<string, Map<number, string>>();
  let current: Map<number, string> | undefined;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line === ',') {
      current = undefined;
      continue;
    }
    const comma = line.indexOf(',');
    const key = line.slice(0, comma).trim();
    const value = unquote(line.slice(comma + 1).trim());
    if (!current) {
      if (!(MAPPED_ID_COLUMNS as readonly string[]).includes(key)) {
        throw new Error(`IDs mapping: unexpected section header '${key}'`);
      }
      current = new Map();
      sections.set(key, current);
      continue;
    }
    const id = Number(key);
    if (!Number.isInteger(id)) throw new Error(`IDs mapping: '${key}' is not an id`);
    current.set(id, value);
  }
  for (const column of MAPPED_ID_COLUMNS) {
    if (!sections.has(column)) throw new Error(`IDs mapping: no section for ${column}`);
  }
  return {
    admission_type_id: sections.get('admission_type_id') as Map<number, string>,
    discharge_disposition_id: sections.get('discharge_disposition_id') as Map<number, string>,
    admission_source_id: sections.get('admission_source_id') as Map<number, string>,
  };
}

function unquote(value: string): string {
  return value.startsWith('"') && value.endsWith('"')
    ? value.slice(1, -1).replace(/""/g, '"')
    : value;
}
