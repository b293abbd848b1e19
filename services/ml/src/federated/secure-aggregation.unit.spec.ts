import {
  createSiteKeys,
  fromRing,
  PairwiseMasker,
  toRing,
  unmaskSum,
  type SiteKeys,
} from './secure-aggregation';

const sites = ['site-a', 'site-b', 'site-c', 'site-d'].map((id) => createSiteKeys(id));
const directory = new Map(sites.map((keys) => [keys.siteId, keys.publicKey]));
const maskerOf = (keys: SiteKeys) => new PairwiseMasker(keys, directory);
// Each site's histogram-like vector: integer sums (gradient steps, counts), some negative.
const inputs = sites.map((_, site) =>
  Array.from({ length: 500 }, (_, i) => ((i * 7919 + site * 104_729) % 20_011) - 10_000),
);
const plainSum = inputs[0].map((_, i) => inputs.reduce((sum, input) => sum + input[i], 0));

describe('secure aggregation by pairwise masks', () => {
  const context = 'round 1, tree 1, node 0';
  const masked = sites.map((keys, site) => maskerOf(keys).mask(toRing(inputs[site]), context));

  it('sums the masked vectors to the plain total', () => {
    expect(Array.from(unmaskSum(masked))).toEqual(plainSum);
  });

  it("hides each site's vector: what a site sends does not resemble its values", () => {
    for (const [site, vector] of masked.entries()) {
      const asNumbers = fromRing(vector);
      const same = asNumbers.filter((value, i) => value === inputs[site][i]).length;
      expect(same).toBe(0);
      // Spread over the whole ring, not near the small inputs.
      const large = asNumbers.filter((value) => Math.abs(value) > 2 ** 40).length;
      expect(large).toBeGreaterThan(495);
    }
  });

  it('masks each submission anew: another context, other masks', () => {
    const again = maskerOf(sites[0]).mask(toRing(inputs[0]), context);
    const other = maskerOf(sites[0]).mask(toRing(inputs[0]), 'round 1, tree 1, node 1');
    expect(again).toEqual(masked[0]);
    expect(other).not.toEqual(masked[0]);
  });

  it('recovers the survivors’ total when a site drops out after the others masked', () => {
    const dropped = sites[3].siteId;
    const survivors = [0, 1, 2];
    const masksWithDropped = survivors.map((site) =>
      maskerOf(sites[site]).maskWith(dropped, context, 500),
    );
    const survivorsSum = inputs[0].map((_, i) =>
      survivors.reduce((sum, site) => sum + inputs[site][i], 0),
    );
    const sum = unmaskSum(
      survivors.map((site) => masked[site]),
      masksWithDropped,
    );
    expect(Array.from(sum)).toEqual(survivorsSum);
    // Without the recovery the sum is noise.
    expect(Array.from(unmaskSum(survivors.map((site) => masked[site])))).not.toEqual(survivorsSum);
  });

  it('refuses what it cannot hide: two sites, non-integers, a bad key', () => {
    const two = new Map([...directory].slice(0, 2));
    expect(() => new PairwiseMasker(sites[0], two)).toThrow(/at least three sites/);
    expect(() => toRing([0.5])).toThrow(/integers below 2\^53/);
    expect(
      () => new PairwiseMasker(sites[0], new Map([...directory, ['site-e', Buffer.alloc(5)]])),
    ).toThrow(/32 bytes/);
  });
});
