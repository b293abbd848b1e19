export { GbdtSite, type GbdtSiteSummary, type GbdtStart } from './gbdt-site';
export {
  trainFederatedGradientBoosting,
  type FederatedGbdtOptions,
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
