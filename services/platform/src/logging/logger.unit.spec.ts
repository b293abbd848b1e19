import { Writable } from 'node:stream';
import { createLogger } from './logger';

function capture(): { stream: Writable; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  });
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { stream, lines };
}

describe('createLogger', () => {
  it('writes one JSON object per line with level name, time, service and message', () => {
    const { stream, lines } = capture();
    const logger = createLogger({ service: 'scoring', level: 'info', destination: stream });
    logger.info({ batchSize: 64 }, 'scored a batch');
    logger.debug('hidden below the level');
    const [line, ...rest] = lines();
    expect(rest).toHaveLength(0);
    expect(line).toMatchObject({
      level: 'info',
      service: 'scoring',
      message: 'scored a batch',
      batchSize: 64,
    });
    expect(typeof line.time).toBe('string');
  });

  it('removes patient identifiers wherever they appear in the logged object', () => {
    const { stream, lines } = capture();
    const logger = createLogger({ service: 'ingest', level: 'info', destination: stream });
    logger.info(
      {
        encounter_id: 12522,
        patient_nbr: 48330783,
        record: { patient_nbr: 1, age: '[70-80)' },
        nested: { deeper: { encounterId: 'x' } },
      },
      'row',
    );
    const [line] = lines();
    const text = JSON.stringify(line);
    expect(text).not.toMatch(/encounter_?id|patient_?nbr|48330783|12522/i);
    expect(line).toMatchObject({ record: { age: '[70-80)' } });
  });
});
