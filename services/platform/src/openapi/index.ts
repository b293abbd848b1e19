/** `@readmit/platform/openapi`: request schemas declared once, checking requests and describing them in each service's OpenAPI document. */
export * from './zod-openapi';
export * from './field-errors';
export * from './error-bodies';
export * from './request-contract';
export * from './validated';
export * from './openapi-document';
export * from './openapi.controller';
