// The fault suites need the local platform (their own clusters besides), and no Python client.
export { requireLocalPlatform as default } from './integration-setup';
