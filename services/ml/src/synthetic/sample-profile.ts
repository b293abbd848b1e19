import type { EncounterProfile } from './encounter-profile';
import fitted from './uci-sample-profile.json';

/**
 * The generator's profile fitted on the 4,999-row UCI sample (refit with
 * services/ml/scripts/fit-synthetic-profile.ts): `readmit produce --synthetic`, the demo and the
 * tests draw their encounters from it.
 */
export const UCI_SAMPLE_PROFILE = fitted as EncounterProfile;
