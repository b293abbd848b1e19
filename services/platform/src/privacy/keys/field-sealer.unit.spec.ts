import { createCipheriv, randomBytes } from 'node:crypto';
import { IvPool, open, seal, SealError } from './field-sealer';

describe('IvPool', () => {
  it('hands out every byte of the random pool once, in order, and refills with fresh randomness', () => {
    const draws: Buffer[] = [];
    const random = (size: number): Buffer => {
      const bytes = randomBytes(size);
      draws.push(Buffer.from(bytes));
      return bytes;
    };
    const pool = new IvPool(12, 36, random);
    const target = Buffer.alloc(12 * 7);
    for (let index = 0; index < 7; index++) pool.writeNext(target, index * 12);
    // 7 IVs from pools of 3: three draws, every IV the next unused 12 bytes of one.
    expect(draws.map((draw) => draw.length)).toEqual([36, 36, 36]);
    expect(target).toEqual(Buffer.concat(draws).subarray(0, 12 * 7));
  });

  it('returns the IV it wrote, where it wrote it, and never the same one twice', () => {
    const pool = new IvPool();
    const seen = new Set<string>();
    const target = Buffer.alloc(20);
    for (let index = 0; index < 2000; index++) {
      const iv = pool.writeNext(target, 3);
      expect(iv.length).toBe(12);
      expect(iv.buffer).toBe(target.buffer);
      expect(iv.byteOffset).toBe(target.byteOffset + 3);
      seen.add(iv.toString('hex'));
    }
    expect(seen.size).toBe(2000);
  });

  it('refuses a pool smaller than one IV', () => {
    expect(() => new IvPool(12, 8)).toThrow(/at least one IV/);
  });
});

describe('seal and open', () => {
  const key = randomBytes(32);
  const plaintext = Buffer.from('the clinical fields, as Avro');

  it('writes 0x01 | 12-byte IV | ciphertext | 16-byte tag, a fresh IV each time', () => {
    const first = seal(key, plaintext, 'EncounterRecorded|enc_a|pat_b');
    const second = seal(key, plaintext, 'EncounterRecorded|enc_a|pat_b');
    expect(first.length).toBe(1 + 12 + plaintext.length + 16);
    expect(first[0]).toBe(0x01);
    expect(first.subarray(1, 13).equals(second.subarray(1, 13))).toBe(false);
    expect(open(key, first, 'EncounterRecorded|enc_a|pat_b')).toEqual(plaintext);
  });

  it('opens bytes sealed as the format documents (what earlier writers wrote)', () => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from('OutcomeRecorded|enc_a|pat_b', 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const sealed = Buffer.concat([Buffer.of(0x01), iv, body, cipher.getAuthTag()]);
    expect(open(key, sealed, 'OutcomeRecorded|enc_a|pat_b')).toEqual(plaintext);
  });

  it('refuses other associated data, another key, altered bytes and an unknown version', () => {
    const sealed = seal(key, plaintext, 'EncounterRecorded|enc_a|pat_b');
    expect(() => open(key, sealed, 'EncounterRecorded|enc_c|pat_b')).toThrow(SealError);
    expect(() => open(randomBytes(32), sealed, 'EncounterRecorded|enc_a|pat_b')).toThrow(SealError);
    const altered = Buffer.from(sealed);
    altered[altered.length - 1] ^= 1;
    expect(() => open(key, altered, 'EncounterRecorded|enc_a|pat_b')).toThrow(SealError);
    const versioned = Buffer.from(sealed);
    versioned[0] = 0x02;
    expect(() => open(key, versioned, 'EncounterRecorded|enc_a|pat_b')).toThrow(/version 2/);
  });

  it('seals an empty plaintext', () => {
    const sealed = seal(key, Buffer.alloc(0), 'x');
    expect(sealed.length).toBe(29);
    expect(open(key, sealed, 'x').length).toBe(0);
  });
});
