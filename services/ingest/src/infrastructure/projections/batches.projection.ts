// The projection lives in src/projections/batches/. This path stays only because
// test/faults/bad-events.int.spec.ts (not part of this change) imports it; remove it once that
// test imports from the new path.
export { batchesProjection } from '../../projections/batches/batches.projection';
