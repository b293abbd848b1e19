/**
 * Tail probabilities of the two reference distributions behind the drift tests: chi-square
 * (via the regularized incomplete gamma function) and Kolmogorov (the limit of the KS
 * statistic). Written out here because the library has no statistics dependency.
 */

/** Lanczos coefficients (g = 7, n = 9): about 15 significant digits for x > 0. */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new Error(`logGamma needs x > 0 (got ${x})`);
  // Reflection keeps the approximation in its accurate range.
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const shifted = x - 1;
  let sum = LANCZOS[0];
  for (let term = 1; term < LANCZOS.length; term++) sum += LANCZOS[term] / (shifted + term);
  const t = shifted + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (shifted + 0.5) * Math.log(t) - t + Math.log(sum);
}

const MAX_ITERATIONS = 1_000;
const PRECISION = 1e-15;
const TINY = 1e-300;

/** P(a, x) = γ(a, x) / Γ(a), the regularized lower incomplete gamma function. */
export function regularizedGammaP(a: number, x: number): number {
  assertGammaArguments(a, x);
  if (x === 0) return 0;
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x);
}

/** Q(a, x) = 1 − P(a, x), computed directly so that small upper tails keep their precision. */
export function regularizedGammaQ(a: number, x: number): number {
  assertGammaArguments(a, x);
  if (x === 0) return 1;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
}

/** P(Z ≥ z) for a standard normal Z: erfc(z/√2)/2, with erfc(x) = Q(1/2, x²) for x ≥ 0. */
export function normalSurvival(z: number): number {
  if (Number.isNaN(z)) throw new Error('normalSurvival needs a number (got NaN)');
  const upper = 0.5 * regularizedGammaQ(0.5, (z * z) / 2);
  return z >= 0 ? upper : 1 - upper;
}

/** P(χ²_df ≥ statistic): the p-value of a chi-square test. */
export function chiSquareSurvival(statistic: number, degreesOfFreedom: number): number {
  if (!(degreesOfFreedom > 0)) {
    throw new Error(`Chi-square needs positive degrees of freedom (got ${degreesOfFreedom})`);
  }
  if (statistic <= 0) return 1;
  return regularizedGammaQ(degreesOfFreedom / 2, statistic / 2);
}

/**
 * P(K > λ) for the Kolmogorov distribution K, the limit of √n·D for the KS statistic D:
 * 2 Σ (−1)^(k−1) exp(−2k²λ²). That series converges slowly for small λ, where the equivalent
 * theta-function form 1 − (√(2π)/λ) Σ exp(−(2k−1)²π²/(8λ²)) converges fast instead.
 */
export function kolmogorovSurvival(lambda: number): number {
  if (Number.isNaN(lambda)) throw new Error('kolmogorovSurvival needs a number (got NaN)');
  if (lambda <= 0) return 1;
  if (lambda < 1) {
    let cdf = 0;
    for (let k = 1; k <= 50; k++) {
      const term = Math.exp((-((2 * k - 1) ** 2) * Math.PI ** 2) / (8 * lambda * lambda));
      cdf += term;
      if (term < 1e-17) break;
    }
    return 1 - (Math.sqrt(2 * Math.PI) / lambda) * cdf;
  }
  let survival = 0;
  for (let k = 1; k <= 100; k++) {
    const term = Math.exp(-2 * k * k * lambda * lambda);
    survival += k % 2 === 1 ? term : -term;
    if (term < 1e-17) break;
  }
  return Math.min(1, Math.max(0, 2 * survival));
}

function assertGammaArguments(a: number, x: number): void {
  if (!(a > 0) || !(x >= 0)) {
    throw new Error(`Incomplete gamma needs a > 0 and x >= 0 (got a=${a}, x=${x})`);
  }
}

/** Series for P(a, x), which converges quickly for x < a + 1. */
function gammaSeries(a: number, x: number): number {
  let denominator = a;
  let term = 1 / a;
  let sum = term;
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    denominator += 1;
    term *= x / denominator;
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * PRECISION) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

/** Continued fraction for Q(a, x) (modified Lentz), which converges quickly for x ≥ a + 1. */
function gammaContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let fraction = d;
  for (let iteration = 1; iteration <= MAX_ITERATIONS; iteration++) {
    const an = -iteration * (iteration - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    fraction *= delta;
    if (Math.abs(delta - 1) < PRECISION) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * fraction;
}
