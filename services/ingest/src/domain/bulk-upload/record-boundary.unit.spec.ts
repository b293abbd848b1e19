import { RecordBoundaryScanner } from './record-boundary';

const bytes = (text: string) => Buffer.from(text, 'utf8');

/** Splits `text` into chunks of `size` bytes and returns the absolute boundary after each chunk. */
function boundaries(scanner: RecordBoundaryScanner, text: string, size: number): number[] {
  const all = bytes(text);
  const found: number[] = [];
  for (let at = 0; at < all.length; at += size) {
    const end = scanner.scan(all.subarray(at, at + size));
    if (end > 0) found.push(at + end);
  }
  return found;
}

describe('RecordBoundaryScanner', () => {
  it('ends CSV records at line feeds outside quotes only', () => {
    const text = 'a,b\n1,"x\ny"\n2,"say ""hi""\n"\n3,z';
    const scanner = new RecordBoundaryScanner(true);
    expect(scanner.scan(bytes(text))).toBe(text.lastIndexOf('\n') + 1);
    // The first record ends after "a,b\n"; the quoted line breaks are not boundaries.
    const each = new RecordBoundaryScanner(true);
    const ends = boundaries(each, text, 1);
    expect(ends.map((end) => text.slice(0, end).split('\n').length - 1)).toEqual([1, 3, 5]);
  });

  it('finds the same boundaries whatever the chunking, across multi-byte characters', () => {
    const text = 'name,city\n"Müller, J.","São\r\nPaulo"\n"Ωmega",x\r\nlast,"open';
    const whole = new RecordBoundaryScanner(true).scan(bytes(text));
    for (const size of [1, 2, 3, 5, 7, 64]) {
      const found = boundaries(new RecordBoundaryScanner(true), text, size);
      expect(found[found.length - 1]).toBe(whole);
    }
    // The trailing record is open (an unclosed quote): the last boundary is before it.
    expect(bytes(text).subarray(whole).toString('utf8')).toBe('last,"open');
  });

  it('returns 0 for a chunk in which no record ends', () => {
    const scanner = new RecordBoundaryScanner(true);
    expect(scanner.scan(bytes('1,"a\n'))).toBe(0); // inside quotes
    expect(scanner.scan(bytes('b",2'))).toBe(0); // quote closed, no line feed yet
    expect(scanner.scan(bytes('\n3'))).toBe(1);
  });

  it('ends JSON lines at every line feed, quotes or not', () => {
    const scanner = new RecordBoundaryScanner(false);
    const text = '{"a":"say \\"hi\\""}\n{"b":"\\"\n{"c":';
    expect(scanner.scan(bytes(text))).toBe(text.lastIndexOf('\n') + 1);
    expect(scanner.scan(bytes('1}'))).toBe(0);
  });
});
