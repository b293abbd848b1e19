export * from './lbfgs';
export * from './logistic-objective';
export * from './logistic-regression';
export * from './logistic-regression-json';
