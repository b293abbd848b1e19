export { rocAuc, prAuc } from './ranking';
export { pairedAucComparison, type PairedAucComparison } from './paired-auc';
export { logLoss, brierScore } from './probabilistic';
export { thresholdMetrics, type ThresholdMetrics } from './threshold';
export {
  calibrationTable,
  expectedCalibrationError,
  type CalibrationBin,
  type CalibrationTable,
} from './calibration';
export { classificationReport, type ClassificationReport } from './report';
export { subgroupReports } from './subgroups';
export { chooseThresholdByF1 } from './threshold-selection';
