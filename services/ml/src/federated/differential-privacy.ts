import { randomBytes } from 'node:crypto';

/**
 * Differential privacy for what sites share: Gaussian noise on every released sum, accounted in
 * zero-concentrated DP (Bun & Steinke 2016), where Gaussian releases compose by adding their ρ,
 * then stated as (ε, δ). Rows are bounded by the loss itself, which is the clipping: a row's
 * gradient p − y lies in [−1, 1], its hessian p(1 − p) in [0, ¼], its count is 1.
 */

/** A row's largest contribution to one slot, per component of a histogram slot. */
export const ROW_BOUNDS = { gradient: 1, hessian: 0.25, count: 1 } as const;

/** ρ of a Gaussian release of L2 sensitivity Δ with noise σ = multiplier · Δ. */
export function gaussianRho(noiseMultiplier: number): number {
  if (!(noiseMultiplier > 0 && Number.isFinite(noiseMultiplier)))
    throw new Error(`the noise multiplier must be a positive number (got ${noiseMultiplier})`);
  return 1 / (2 * noiseMultiplier * noiseMultiplier);
}

/** (ε, δ) implied by ρ-zCDP: ε = ρ + 2·√(ρ·ln(1/δ)). */
export function epsilonOf(rho: number, delta: number): number {
  if (!(delta > 0 && delta < 1)) throw new Error(`delta must be in (0, 1) (got ${delta})`);
  return rho + 2 * Math.sqrt(rho * Math.log(1 / delta));
}

/**
 * The privacy one federated boosting run spends. A histogram release is three Gaussian
 * mechanisms (gradient, hessian and count slots, each with its own bound); a row lies in one node
 * per depth, so within a tree its releases at different depths compose and those at one depth
 * do not (disjoint rows); trees compose.
 */
export function boostingPrivacy(options: {
  readonly trees: number;
  readonly maxDepth: number;
  readonly noiseMultiplier: number;
  readonly delta: number;
}): { readonly rho: number; readonly epsilon: number; readonly delta: number } {
  const releasesPerRow = options.trees * (options.maxDepth + 1);
  const rho = releasesPerRow * 3 * gaussianRho(options.noiseMultiplier);
  return { rho, epsilon: epsilonOf(rho, options.delta), delta: options.delta };
}

/** Standard normal draws from the operating system's randomness (Box–Muller, two per pair). */
export function gaussianNoise(count: number): Float64Array {
  const pairs = Math.ceil(count / 2);
  const bytes = randomBytes(8 * pairs);
  const uniforms = Uint32Array.from({ length: 2 * pairs }, (_, i) => bytes.readUInt32LE(4 * i));
  const noise = new Float64Array(2 * pairs);
  for (let pair = 0; pair < pairs; pair++) {
    // (k + 1) / (2³² + 1): strictly inside (0, 1), so the logarithm is finite.
    const u1 = (uniforms[2 * pair] + 1) / 4294967297;
    const u2 = (uniforms[2 * pair + 1] + 1) / 4294967297;
    const radius = Math.sqrt(-2 * Math.log(u1));
    noise[2 * pair] = radius * Math.cos(2 * Math.PI * u2);
    noise[2 * pair + 1] = radius * Math.sin(2 * Math.PI * u2);
  }
  return noise.subarray(0, count);
}
