import {
  createCipheriv,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
} from 'node:crypto';

/**
 * Secure aggregation by pairwise masks (after Bonawitz et al., CCS 2017, without its double
 * masking): every pair of sites agrees a secret by X25519, and for each vector they submit, the
 * site earlier in id order adds a pseudorandom mask derived from it and the later one subtracts
 * the same mask, all modulo 2⁶⁴. Each submitted vector is indistinguishable from noise, and the
 * masks cancel in the sum, so the coordinator learns the total only. If a site drops out after
 * the others have masked, each survivor hands over its mask with that site alone, and the
 * coordinator removes those. What this does not cover: a site declared dropped whose vector
 * arrives later must be refused (with the survivors' masks with it revealed, its vector would
 * be readable), and fewer than three sites hide nothing from each other, since two can subtract.
 */

/** A site's key pair for one federation; the public half (raw, 32 bytes) goes to every peer. */
export interface SiteKeys {
  readonly siteId: string;
  readonly publicKey: Buffer;
  readonly privateKey: KeyObject;
}

export function createSiteKeys(siteId: string): SiteKeys {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  const jwk = publicKey.export({ format: 'jwk' });
  return { siteId, publicKey: Buffer.from(jwk.x as string, 'base64url'), privateKey };
}

function x25519PublicKey(raw: Buffer): KeyObject {
  if (raw.length !== 32) throw new Error(`an X25519 public key has 32 bytes, not ${raw.length}`);
  return createPublicKey({
    key: { kty: 'OKP', crv: 'X25519', x: raw.toString('base64url') },
    format: 'jwk',
  });
}

/** Integers of magnitude below 2⁵³ (counts, sums in gradient steps) as values modulo 2⁶⁴. */
export function toRing(values: ArrayLike<number>): BigUint64Array {
  const ring = new BigUint64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (!Number.isSafeInteger(value))
      throw new Error(`secure aggregation sums integers below 2^53; value ${i} is ${value}`);
    ring[i] = BigInt.asUintN(64, BigInt(value));
  }
  return ring;
}

/** A sum modulo 2⁶⁴ back to signed numbers (exact while the true sum is below 2⁵³). */
export function fromRing(ring: BigUint64Array): Float64Array {
  return Float64Array.from(ring, (value) => Number(BigInt.asIntN(64, value)));
}

/** One site's masking for the federation whose peers' public keys it holds. */
export class PairwiseMasker {
  private readonly secrets = new Map<string, Buffer>();

  constructor(
    private readonly keys: SiteKeys,
    peers: ReadonlyMap<string, Buffer>,
  ) {
    for (const [peerId, publicKey] of peers) {
      if (peerId === keys.siteId) continue;
      const secret = diffieHellman({
        privateKey: keys.privateKey,
        publicKey: x25519PublicKey(publicKey),
      });
      this.secrets.set(peerId, secret);
    }
    if (this.secrets.size < 2)
      throw new Error(
        `secure aggregation needs at least three sites (this one has ${this.secrets.size} peer${this.secrets.size === 1 ? '' : 's'}): with two, each could subtract its own input from the sum`,
      );
  }

  /**
   * The vector masked for `context` (unique per submission, e.g. "round 3, tree 12, node 5"):
   * what the site sends instead of its values.
   */
  mask(values: BigUint64Array, context: string): BigUint64Array {
    const masked = values.slice();
    for (const peerId of this.secrets.keys())
      addInto(masked, this.pairMask(peerId, context, values.length));
    return masked;
  }

  /** This site's share of the masks with a peer that dropped out, for the coordinator to remove. */
  maskWith(peerId: string, context: string, length: number): BigUint64Array {
    if (!this.secrets.has(peerId)) throw new Error(`no secret shared with site ${peerId}`);
    return this.pairMask(peerId, context, length);
  }

  /** +mask when this site sorts before the peer, −mask after: the pair's two masks cancel. */
  private pairMask(peerId: string, context: string, length: number): BigUint64Array {
    const [first, second] = [this.keys.siteId, peerId].sort();
    const stream = maskStream(
      this.secrets.get(peerId) as Buffer,
      `${first}|${second}|${context}`,
      length,
    );
    if (this.keys.siteId === first) return stream;
    for (let i = 0; i < stream.length; i++) stream[i] = BigInt.asUintN(64, -stream[i]);
    return stream;
  }
}

/** length pseudorandom values modulo 2⁶⁴: AES-256-CTR under a key derived for this context. */
function maskStream(secret: Buffer, context: string, length: number): BigUint64Array {
  const key = Buffer.from(hkdfSync('sha256', secret, 'readmit-secure-aggregation', context, 32));
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  const bytes = Buffer.concat([cipher.update(Buffer.alloc(length * 8)), cipher.final()]);
  return new BigUint64Array(bytes.buffer, bytes.byteOffset, length).slice();
}

function addInto(target: BigUint64Array, addend: BigUint64Array): void {
  for (let i = 0; i < target.length; i++) target[i] = BigInt.asUintN(64, target[i] + addend[i]);
}

/**
 * The coordinator's side: the sum of the submitted vectors, less the masks the survivors shared
 * with sites that dropped out (each survivor's maskWith for each dropped site).
 */
export function unmaskSum(
  submitted: readonly BigUint64Array[],
  masksWithDropped: readonly BigUint64Array[] = [],
): Float64Array {
  if (submitted.length === 0) throw new Error('no vector to sum');
  const total = new BigUint64Array(submitted[0].length);
  for (const vector of submitted) {
    if (vector.length !== total.length)
      throw new Error(`masked vectors of ${total.length} and ${vector.length} values`);
    addInto(total, vector);
  }
  for (const mask of masksWithDropped)
    for (let i = 0; i < total.length; i++) total[i] = BigInt.asUintN(64, total[i] - mask[i]);
  return fromRing(total);
}
