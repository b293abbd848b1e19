export { GbdtSite, type GbdtSiteSummary, type GbdtStart } from './gbdt-site';
export {
  trainFederatedGradientBoosting,
  type FederatedGbdtOptions,
  type FederatedGbdtResult,
  type FederatedGbdtSite,
} from './federated-gbdt';
export {
  averageUpdates,
  localLogisticUpdate,
  trainFederatedLogisticRegression,
  type FederatedLogisticOptions,
  type LogisticRound,
  type LogisticSiteUpdate,
} from './federated-logistic';
export {
  createSiteKeys,
  fromRing,
  PairwiseMasker,
  toRing,
  unmaskSum,
  type SiteKeys,
} from './secure-aggregation';
export {
  boostingPrivacy,
  epsilonOf,
  gaussianNoise,
  gaussianRho,
  ROW_BOUNDS,
} from './differential-privacy';
