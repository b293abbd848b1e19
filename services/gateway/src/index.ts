// The gateway's public entry (@readmit/gateway): what the CLI's demo may use. Other services
// never import it (eslint.config.mjs).
export { EXAMPLE_ENCOUNTER_INPUT } from './domain/encounter-input';
