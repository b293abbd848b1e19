export {
  trainGradientBoosting,
  type GradientBoostingOptions,
  type GradientBoostingResult,
} from './gradient-boosting';
export {
  gbdtContributions,
  gbdtPredictOne,
  gbdtPredictOneRaw,
  gbdtPredictProbability,
  gbdtPredictRaw,
  type GbdtModel,
  type GbdtTree,
} from './gbdt-model';
export { gbdtFromJson, gbdtToJson, type GbdtJson, type GbdtTreeJson } from './gbdt-json';
export {
  binningFromSummary,
  mergeBinningSummaries,
  summarizeForBinning,
  type BinningSummary,
  type ColumnValueCounts,
} from './binning-summary';
export { fitBinning, type FeatureBinning } from './binning';
