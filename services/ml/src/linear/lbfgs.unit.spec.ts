import { minimizeLbfgs, Objective } from './lbfgs';

const rosenbrock: Objective = (x, gradient) => {
  const [a, b] = [x[0], x[1]];
  gradient[0] = -2 * (1 - a) - 400 * a * (b - a * a);
  gradient[1] = 200 * (b - a * a);
  return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
};

/** Σ cᵢ (xᵢ − i)², condition number 10⁴: minimum 0 at x = (0, 1, …, n − 1). */
function illConditionedQuadratic(size: number): Objective {
  return (x, gradient) => {
    let value = 0;
    for (let i = 0; i < size; i++) {
      const c = 10 ** ((4 * i) / (size - 1));
      value += c * (x[i] - i) ** 2;
      gradient[i] = 2 * c * (x[i] - i);
    }
    return value;
  };
}

describe('minimizeLbfgs', () => {
  it('finds the Rosenbrock minimum (1, 1) from (−1.2, 1)', () => {
    const result = minimizeLbfgs(rosenbrock, Float64Array.of(-1.2, 1), { gradientTolerance: 1e-8 });
    expect(result.converged).toBe(true);
    expect(Math.abs(result.x[0] - 1)).toBeLessThan(1e-4);
    expect(Math.abs(result.x[1] - 1)).toBeLessThan(1e-4);
    expect(result.value).toBeLessThan(1e-10);
    expect(result.iterations).toBeLessThan(100);
  });

  it('solves an ill-conditioned 50-dimensional quadratic', () => {
    // Slow going without exact line searches (about 1,100 iterations), but it gets there.
    const result = minimizeLbfgs(illConditionedQuadratic(50), new Float64Array(50), {
      gradientTolerance: 1e-9,
      maxIterations: 3000,
    });
    expect(result.converged).toBe(true);
    result.x.forEach((value, i) => expect(Math.abs(value - i)).toBeLessThan(1e-6));
  });

  it('reports every iteration with a non-increasing value and stops at maxIterations', () => {
    const values: number[] = [];
    const result = minimizeLbfgs(rosenbrock, Float64Array.of(-1.2, 1), {
      maxIterations: 5,
      onIteration: (iteration, value) => {
        expect(iteration).toBe(values.length + 1);
        values.push(value);
      },
    });
    expect(result.iterations).toBe(5);
    expect(result.converged).toBe(false);
    expect(values).toHaveLength(5);
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeLessThanOrEqual(values[i - 1]);
    expect(values[4]).toBe(result.value);
  });

  it('is deterministic and leaves the start point untouched', () => {
    const start = Float64Array.of(-1.2, 1);
    const first = minimizeLbfgs(rosenbrock, start);
    const second = minimizeLbfgs(rosenbrock, start);
    expect([...start]).toEqual([-1.2, 1]);
    expect([...first.x]).toEqual([...second.x]);
    expect(first.evaluations).toBe(second.evaluations);
  });

  it('takes no step when the start already meets the tolerance', () => {
    const result = minimizeLbfgs(illConditionedQuadratic(3), Float64Array.of(0, 1, 2));
    expect(result).toMatchObject({ iterations: 0, converged: true, value: 0, evaluations: 1 });
  });

  it('backs off from steps that leave the domain, where the objective is NaN', () => {
    // (x − 1)² − 0.01·ln(1.2 − x) is defined only for x < 1.2; the first step (length 1 from
    // x = 0.6) lands at 1.6. The minimum solves 2u² − 0.4u − 0.01 = 0 for u = 1.2 − x.
    const barrier: Objective = (x, gradient) => {
      gradient[0] = 2 * (x[0] - 1) + 0.01 / (1.2 - x[0]);
      return (x[0] - 1) ** 2 - 0.01 * Math.log(1.2 - x[0]);
    };
    const result = minimizeLbfgs(barrier, Float64Array.of(0.6), { gradientTolerance: 1e-10 });
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1.2 - (0.4 + Math.sqrt(0.24)) / 4, 8);
    expect(result.evaluations).toBeGreaterThan(result.iterations + 1);
  });

  it('gives up instead of spinning when f stops changing at the limit of its precision', () => {
    // f is rounded to 1e-6, so it is flat within about 1e-3 of the minimum at 1, and the gradient
    // is slightly off, so it never quite vanishes: no step there can lower f any more.
    const quantised: Objective = (x, gradient) => {
      gradient[0] = 2 * (x[0] - 1) + 1e-7;
      return Math.round((1 + (x[0] - 1) ** 2) * 1e6) / 1e6;
    };
    const result = minimizeLbfgs(quantised, Float64Array.of(-2), {
      gradientTolerance: 0,
      maxIterations: 10_000,
    });
    expect(result.converged).toBe(false);
    expect(result.iterations).toBeLessThan(20);
    expect(result.value).toBe(1);
    expect(Math.abs(result.x[0] - 1)).toBeLessThan(1e-3);
  });

  it('refuses a start where the objective is not finite', () => {
    const broken: Objective = (_x, gradient) => {
      gradient[0] = 0;
      return Number.NaN;
    };
    expect(() => minimizeLbfgs(broken, Float64Array.of(0))).toThrow(/not finite/);
  });
});
