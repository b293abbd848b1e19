export { GbdtSite, type GbdtSiteSummary, type GbdtStart } from './gbdt-site';
export {
  trainFederatedGradientBoosting,
  type FederatedGbdtOptions,
  type FederatedGbdtSite,
} from './federated-gbdt';
