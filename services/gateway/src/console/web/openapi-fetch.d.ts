// The types of `./openapi-fetch.js`, the ES module build of openapi-fetch that the gateway serves
// beside console.js (web-assets.ts): the compiler checks console.js's calls against them.
export * from 'openapi-fetch';
export { default } from 'openapi-fetch';
