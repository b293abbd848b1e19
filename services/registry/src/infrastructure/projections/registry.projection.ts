// The projection lives in src/projections/registry/. This path stays only because
// test/faults/bad-events.int.spec.ts (not part of this change) imports it; remove it once that
// test imports from the new path.
export { registryProjection } from '../../projections/registry/registry.projection';
