/** `@readmit/platform/auth`: Principals, roles, route policies, API keys, OIDC tokens and the guard on every route. */
export * from './roles';
export * from './principal';
export * from './route-policy';
export * from './route-table';
export * from './request-principal';
export * from './credentials';
export * from './authenticator';
export * from './api-key-format';
export * from './api-key-hashing';
export * from './api-key-verifier';
export * from './api-key-credentials';
export * from './oidc-verifier';
export * from './bearer-credentials';
export * from './auth-config';
export * from './auth.guard';
