import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The console's files: its page, script and styles, and the chart and API client libraries (from
 * node_modules).
 */
export interface WebAsset {
  readonly path: string;
  readonly contentType: string;
}

/**
 * Where the console's own files are: beside this module's folder (the sources, or the build
 * output, to which nest-cli.json copies them), else the sources from the working directory.
 */
function webRoot(): string {
  const candidates = [
    resolve(__dirname, '..', 'web'),
    resolve(process.cwd(), 'services', 'gateway', 'src', 'console', 'web'),
  ];
  const found = candidates.find((candidate) => existsSync(join(candidate, 'index.html')));
  if (!found)
    throw new Error(`the console's web files are missing (looked in ${candidates.join(', ')})`);
  return found;
}

/** Chart.js ships a UMD build beside its CommonJS entry; served as is, no CDN. */
function chartLibrary(): string {
  return join(dirname(require.resolve('chart.js')), 'chart.umd.min.js');
}

/**
 * openapi-fetch's ES module build (it imports nothing): console.js imports it as
 * `./openapi-fetch.js` and calls `/console/api/*` through it, typed by the gateway's generated
 * `paths` (openapi-fetch.d.ts beside console.js gives the compiler its types).
 */
function apiClientLibrary(): string {
  return join(dirname(require.resolve('openapi-fetch')), 'index.mjs');
}

/** Every file the console serves, by the name in its URL; nothing else is reachable. */
export function webAssets(): ReadonlyMap<string, WebAsset> {
  const root = webRoot();
  return new Map<string, WebAsset>([
    ['index.html', { path: join(root, 'index.html'), contentType: 'text/html; charset=utf-8' }],
    ['console.css', { path: join(root, 'console.css'), contentType: 'text/css; charset=utf-8' }],
    [
      'console.js',
      { path: join(root, 'console.js'), contentType: 'text/javascript; charset=utf-8' },
    ],
    ['chart.umd.min.js', { path: chartLibrary(), contentType: 'text/javascript; charset=utf-8' }],
    [
      'openapi-fetch.js',
      { path: apiClientLibrary(), contentType: 'text/javascript; charset=utf-8' },
    ],
  ]);
}
