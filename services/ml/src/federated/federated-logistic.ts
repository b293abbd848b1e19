import type { DenseMatrix } from '../matrix/dense-matrix';
import { minimizeLbfgs, type Objective } from '../linear/lbfgs';
import { logisticObjective } from '../linear/logistic-objective';
import type { LogisticRegressionModel } from '../linear/logistic-regression';

/** What the federation sends a site for a round of logistic regression. */
export interface LogisticRound {
  /** The global parameters [w₀ … w_{d−1}, b] (intercept last). */
  readonly parameters: Float64Array;
  /** The union's L2 penalty, as central training's `l2` (see logisticObjective). */
  readonly l2: number;
  /** Rows over all sites: each site's share of the penalty is its share of the rows. */
  readonly totalRows: number;
  /** L-BFGS iterations per site per round (FedAvg's local epochs). */
  readonly localIterations: number;
  /** FedProx's μ: a pull of μ/2·‖θ − θ_global‖² towards the global parameters; 0 is FedAvg. */
  readonly proximal: number;
}

/** A site's answer: its parameters after local training and the rows they were fitted on. */
export interface LogisticSiteUpdate {
  readonly parameters: Float64Array;
  readonly rows: number;
  /** The site's mean penalised objective at the parameters it was sent (for progress). */
  readonly objectiveAtStart: number;
}

/**
 * One site's local training for a round: L-BFGS from the global parameters on its own rows. Its
 * objective carries the L2 penalty in proportion to its rows, so that the sites' objectives
 * weighted by rows add up to central training's objective on the union.
 */
export function localLogisticUpdate(
  data: DenseMatrix,
  labels: Uint8Array,
  round: LogisticRound,
): LogisticSiteUpdate {
  const { parameters, l2, totalRows, localIterations, proximal } = round;
  if (!(proximal >= 0 && Number.isFinite(proximal)))
    throw new Error(`proximal (FedProx μ) must be finite and ≥ 0, got ${proximal}`);
  const local = logisticObjective(data, labels, (l2 * data.rows) / totalRows);
  const objective: Objective =
    proximal === 0
      ? local
      : (x, gradient) => {
          let value = local(x, gradient);
          for (let i = 0; i < x.length; i++) {
            const difference = x[i] - parameters[i];
            value += 0.5 * proximal * difference * difference;
            gradient[i] += proximal * difference;
          }
          return value;
        };
  const objectiveAtStart = local(parameters, new Float64Array(parameters.length));
  const result = minimizeLbfgs(objective, parameters.slice(), {
    maxIterations: localIterations,
    gradientTolerance: 1e-6,
  });
  return { parameters: result.x, rows: data.rows, objectiveAtStart };
}

/** FedAvg: the sites' parameters averaged, each weighted by its rows. */
export function averageUpdates(updates: readonly LogisticSiteUpdate[]): Float64Array {
  if (updates.length === 0) throw new Error('No site update to average');
  const size = updates[0].parameters.length;
  const total = updates.reduce((sum, update) => sum + update.rows, 0);
  const average = new Float64Array(size);
  for (const { parameters, rows } of updates) {
    if (parameters.length !== size)
      throw new Error(`A site sent ${parameters.length} parameters, expected ${size}`);
    for (let i = 0; i < size; i++) average[i] += (parameters[i] * rows) / total;
  }
  return average;
}

export interface FederatedLogisticOptions {
  /** Default 1, as central training. */
  readonly l2?: number;
  /** Default 30. */
  readonly rounds?: number;
  /** Default 10. */
  readonly localIterations?: number;
  /** FedProx μ, default 0 (FedAvg). */
  readonly proximal?: number;
  /** Stops once no parameter moves more than this in a round. Default 1e-5. */
  readonly tolerance?: number;
  readonly onRound?: (round: number, objective: number) => void;
}

/**
 * Logistic regression by federated averaging over in-process sites (the federation's algorithm
 * without its transport): rounds of local training from the global parameters, averaged by rows.
 */
export function trainFederatedLogisticRegression(
  sites: ReadonlyArray<{ readonly data: DenseMatrix; readonly labels: Uint8Array }>,
  options: FederatedLogisticOptions = {},
): LogisticRegressionModel {
  if (sites.length === 0) throw new Error('Federated training needs at least one site');
  const columns = sites[0].data.columns;
  const totalRows = sites.reduce((sum, site) => sum + site.data.rows, 0);
  let positives = 0;
  for (const site of sites) for (const label of site.labels) positives += label;
  if (positives === 0 || positives === totalRows)
    throw new Error('Logistic regression needs both classes among the labels of all sites');
  let parameters: Float64Array = new Float64Array(columns + 1);
  parameters[columns] = Math.log(positives / (totalRows - positives));
  const rounds = options.rounds ?? 30;
  let round = 0;
  let objective = Number.NaN;
  for (round = 1; round <= rounds; round++) {
    const request: LogisticRound = {
      parameters,
      l2: options.l2 ?? 1,
      totalRows,
      localIterations: options.localIterations ?? 10,
      proximal: options.proximal ?? 0,
    };
    const updates = sites.map((site) => localLogisticUpdate(site.data, site.labels, request));
    objective = updates.reduce(
      (sum, update) => sum + (update.objectiveAtStart * update.rows) / totalRows,
      0,
    );
    options.onRound?.(round, objective);
    const next = averageUpdates(updates);
    let moved = 0;
    for (let i = 0; i < next.length; i++)
      moved = Math.max(moved, Math.abs(next[i] - parameters[i]));
    parameters = next;
    if (moved <= (options.tolerance ?? 1e-5)) break;
  }
  return {
    kind: 'logistic-regression',
    weights: parameters.slice(0, columns),
    intercept: parameters[columns],
    iterations: Math.min(round, rounds),
    converged: round <= rounds,
    trainingLoss: objective,
  };
}
