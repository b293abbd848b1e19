export * from './projection';
export * from './projection-checkpoint.entity';
export * from './apply-once';
export * from './projection-runner';
export * from './rebuild-projection';
export * from './projection-database';
export * from './projections.module';
export * from './column-transformers';
