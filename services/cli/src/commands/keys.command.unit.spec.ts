import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kekOf, kekRotationReport, oneLine } from './keys.command';

describe('readmit keys rotate-kek and rotate-wrapping helpers', () => {
  it('names a KEK from its spec, refusing what is not one without quoting key material', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kek-'));
    const file = join(dir, 'kek');
    const key = Buffer.alloc(32, 7).toString('base64');
    writeFileSync(file, `${key}\n`, { mode: 0o600 });
    expect(kekOf(`local:${file}`, '--to').id).toMatch(/^local:[0-9a-f]{16}$/);
    expect(() => kekOf(undefined, 'READMIT_KEK')).toThrow('READMIT_KEK: no KEK given');
    expect(() => kekOf('file:/x', '--to')).toThrow(
      '--to must be local:<key file> or aws-kms:<key ARN>',
    );
    expect(() => kekOf(`local:${join(dir, 'missing')}`, '--to')).toThrow(/no key file at/);
    writeFileSync(join(dir, 'open'), `${key}\n`, { mode: 0o644 });
    let message = '';
    try {
      kekOf(`local:${join(dir, 'open')}`, '--to');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/may be read by others/);
    expect(message).not.toContain(key);
  });

  it('reports an error on one line', () => {
    expect(oneLine(new Error('first\nsecond'))).toBe('first');
    expect(oneLine('plain')).toBe('plain');
  });

  it('tells the operator to move every service to the new KEK', () => {
    const lines = kekRotationReport(1, 'local:aaaa', 'local:bbbb', 'local:/keys/new');
    expect(lines[0]).toBe('re-wrapped 1 wrapping key from local:aaaa to local:bbbb');
    expect(lines[1]).toContain('set READMIT_KEK=local:/keys/new on every service and restart them');
    expect(kekRotationReport(0, 'a', 'b', 'local:/k')[0]).toMatch(/^no wrapping key was made yet/);
  });
});
