/**
 * The function to minimise: returns f(x) and writes ∇f(x) into every entry of gradient.
 * Passing the buffer in lets one pass over the data compute both, with no allocation.
 */
export type Objective = (x: Float64Array, gradient: Float64Array) => number;

export interface LbfgsOptions {
  /** Curvature pairs kept. 5–20 is the usual range; more costs memory for little gain. */
  memory?: number;
  maxIterations?: number;
  /**
   * Stop once ‖∇f‖∞ ≤ gradientTolerance · max(1, |f|): relative for large objectives, absolute
   * for small ones (a mean log loss is below 1, so there it is an absolute bound on the gradient).
   * The line search compares values, so it cannot resolve gradients much below √(ε·|f|) ≈ 1e-8·√|f|;
   * a tighter tolerance may end with converged false at the best point found.
   */
  gradientTolerance?: number;
  /** Called after each accepted step, e.g. for progress or loss curves. */
  onIteration?: (iteration: number, value: number, gradientNorm: number) => void;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
  /** True when the gradient tolerance was met; false when iterations ran out or progress stalled. */
  converged: boolean;
  /** ‖∇f(x)‖∞ at the returned x. */
  gradientNorm: number;
  /** Objective evaluations, including line-search trials. */
  evaluations: number;
}

/** Sufficient-decrease constant of the Armijo condition; the customary small value. */
const ARMIJO = 1e-4;
/** Backtracking shrinks the step at least 2× per trial, so 50 trials reach 1e-15 of the first step. */
const MAX_LINE_SEARCH_TRIALS = 50;
/**
 * Iterations in a row that may end without lowering f before the search gives up: at the limit of
 * precision, f stops changing while x wanders, and nothing more is to be gained.
 */
const MAX_STALLED_ITERATIONS = 5;
/**
 * A pair is kept only if s·y > CURVATURE · y·y. Relative rather than absolute so the test does not
 * discard every pair once steps get small near the optimum; it still keeps the inverse-Hessian
 * estimate positive definite, which is what makes each direction a descent direction.
 */
const CURVATURE = 1e-10;

/**
 * Limited-memory BFGS (Nocedal & Wright, algorithm 7.4/7.5) with a backtracking Armijo line search.
 * Deterministic: the same objective and start give the same iterates, bit for bit.
 */
export function minimizeLbfgs(
  objective: Objective,
  x0: Float64Array,
  options: LbfgsOptions = {},
): LbfgsResult {
  const memory = options.memory ?? 10;
  const maxIterations = options.maxIterations ?? 200;
  const tolerance = options.gradientTolerance ?? 1e-6;
  if (!Number.isInteger(memory) || memory < 1) throw new Error(`L-BFGS memory must be ≥ 1`);
  if (!Number.isInteger(maxIterations) || maxIterations < 0) {
    throw new Error(`L-BFGS maxIterations must be a non-negative integer`);
  }
  if (!(tolerance >= 0)) throw new Error(`L-BFGS gradientTolerance must be ≥ 0`);

  const size = x0.length;
  let x = Float64Array.from(x0);
  let gradient = new Float64Array(size);
  let value = objective(x, gradient);
  let evaluations = 1;
  if (!Number.isFinite(value) || !allFinite(gradient)) {
    throw new Error('L-BFGS: the objective or its gradient is not finite at the starting point');
  }

  const history = new CurvatureHistory(memory, size);
  const direction = new Float64Array(size);
  let trialX = new Float64Array(size);
  let trialGradient = new Float64Array(size);
  let gradientNorm = infinityNorm(gradient);
  let iterations = 0;
  let stalled = 0;
  let converged = gradientNorm <= tolerance * Math.max(1, Math.abs(value));

  while (!converged && iterations < maxIterations) {
    history.direction(gradient, direction);
    let slope = dot(gradient, direction);
    if (!(slope < 0)) {
      // Cannot happen with positive-definite pairs, but rounding can; fall back to steepest descent.
      history.clear();
      history.direction(gradient, direction);
      slope = dot(gradient, direction);
    }
    // Without curvature information there is no natural scale, so the first step has length 1.
    let step = history.size === 0 ? 1 / Math.sqrt(-slope) : 1;

    let accepted = false;
    let trialValue = Number.NaN;
    for (let trial = 0; trial < MAX_LINE_SEARCH_TRIALS; trial++) {
      for (let i = 0; i < size; i++) trialX[i] = x[i] + step * direction[i];
      trialValue = objective(trialX, trialGradient);
      evaluations++;
      const finite = Number.isFinite(trialValue) && allFinite(trialGradient);
      if (finite && trialValue <= value + ARMIJO * step * slope) {
        accepted = true;
        break;
      }
      // Minimiser of the quadratic through f(0), f'(0) and f(step), kept within [0.1, 0.5]·step
      // so the search neither crawls nor collapses; an overflow just shrinks the step 10×.
      const curvature = trialValue - value - slope * step;
      const interpolated = finite ? (-slope * step * step) / (2 * curvature) : 0;
      step = Math.min(0.5 * step, Math.max(0.1 * step, interpolated));
    }
    // At the limit of floating-point precision a step can be "accepted" without moving x; taking
    // it again and again would spin until maxIterations, so it counts as a failed search.
    let moved = false;
    for (let i = 0; i < size && !moved; i++) moved = trialX[i] !== x[i];
    if (!accepted || !moved) {
      // Stale or noisy curvature can point badly; retry from steepest descent before giving up.
      if (history.size > 0) {
        history.clear();
        continue;
      }
      break;
    }

    stalled = trialValue < value ? 0 : stalled + 1;
    history.remember(trialX, x, trialGradient, gradient);
    [x, trialX] = [trialX, x];
    [gradient, trialGradient] = [trialGradient, gradient];
    value = trialValue;
    gradientNorm = infinityNorm(gradient);
    iterations++;
    converged = gradientNorm <= tolerance * Math.max(1, Math.abs(value));
    options.onIteration?.(iterations, value, gradientNorm);
    if (stalled >= MAX_STALLED_ITERATIONS) break;
  }

  return { x, value, iterations, converged, gradientNorm, evaluations };
}

/** The last m steps s = x₊ − x and gradient changes y = ∇f₊ − ∇f, in a ring buffer. */
class CurvatureHistory {
  size = 0;
  private newest = -1;
  private readonly steps: Float64Array[];
  private readonly changes: Float64Array[];
  private readonly inverseCurvatures: Float64Array;
  private readonly alphas: Float64Array;
  private spareStep: Float64Array;
  private spareChange: Float64Array;

  constructor(
    private readonly memory: number,
    dimension: number,
  ) {
    this.steps = Array.from({ length: memory }, () => new Float64Array(dimension));
    this.changes = Array.from({ length: memory }, () => new Float64Array(dimension));
    this.inverseCurvatures = new Float64Array(memory);
    this.alphas = new Float64Array(memory);
    this.spareStep = new Float64Array(dimension);
    this.spareChange = new Float64Array(dimension);
  }

  clear(): void {
    this.size = 0;
    this.newest = -1;
  }

  /** Stores the pair unless its curvature is too weak to keep the estimate positive definite. */
  remember(x: Float64Array, previousX: Float64Array, g: Float64Array, previousG: Float64Array) {
    const step = this.spareStep;
    const change = this.spareChange;
    let curvature = 0;
    let changeSquared = 0;
    for (let i = 0; i < x.length; i++) {
      step[i] = x[i] - previousX[i];
      change[i] = g[i] - previousG[i];
      curvature += step[i] * change[i];
      changeSquared += change[i] * change[i];
    }
    if (!(curvature > CURVATURE * changeSquared)) return;
    // Swap buffers with the slot being replaced, so a skipped pair never overwrites a kept one.
    const slot = (this.newest + 1) % this.memory;
    this.spareStep = this.steps[slot];
    this.spareChange = this.changes[slot];
    this.steps[slot] = step;
    this.changes[slot] = change;
    this.inverseCurvatures[slot] = 1 / curvature;
    this.newest = slot;
    this.size = Math.min(this.size + 1, this.memory);
  }

  /** direction = −H·gradient by the two-loop recursion, H the implicit inverse-Hessian estimate. */
  direction(gradient: Float64Array, direction: Float64Array): void {
    for (let i = 0; i < gradient.length; i++) direction[i] = -gradient[i];
    if (this.size === 0) return;
    for (let k = 0; k < this.size; k++) {
      const slot = (this.newest - k + this.memory) % this.memory;
      const alpha = this.inverseCurvatures[slot] * dot(this.steps[slot], direction);
      this.alphas[slot] = alpha;
      axpy(-alpha, this.changes[slot], direction);
    }
    // Scale H₀ = γI by the newest pair so the unit step is usually accepted (N&W eq. 7.20).
    const newestChange = this.changes[this.newest];
    const gamma = 1 / (this.inverseCurvatures[this.newest] * dot(newestChange, newestChange));
    for (let i = 0; i < direction.length; i++) direction[i] *= gamma;
    for (let k = this.size - 1; k >= 0; k--) {
      const slot = (this.newest - k + this.memory) % this.memory;
      const beta = this.inverseCurvatures[slot] * dot(this.changes[slot], direction);
      axpy(this.alphas[slot] - beta, this.steps[slot], direction);
    }
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

/** target += scale · source */
function axpy(scale: number, source: Float64Array, target: Float64Array): void {
  for (let i = 0; i < target.length; i++) target[i] += scale * source[i];
}

function infinityNorm(values: Float64Array): number {
  let norm = 0;
  for (let i = 0; i < values.length; i++) norm = Math.max(norm, Math.abs(values[i]));
  return norm;
}

function allFinite(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}
