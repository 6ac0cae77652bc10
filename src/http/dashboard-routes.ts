import path from 'node:path';
import express, { type Response, type Router } from 'express';
import { PACKAGE_ROOT } from '../package-root';

/** The dashboard's own files: the page, its modules and stylesheet. */
const WEB_DIR = path.join(PACKAGE_ROOT, 'web');

/**
 * Chart.js's UMD build (it sets `window.Chart`) and its source map, served from node_modules so
 * the page needs no other origin. The package exports only its entry points, so the files are
 * found beside the CommonJS entry (`dist/chart.cjs`).
 */
function chartJsFiles(): Record<string, string> {
  const dist = path.dirname(require.resolve('chart.js'));
  return {
    '/assets/chart.umd.min.js': path.join(dist, 'chart.umd.min.js'),
    '/assets/chart.umd.min.js.map': path.join(dist, 'chart.umd.min.js.map'),
  };
}

/**
 * What the page may load and do: its own scripts, styles and API, nothing inline and nothing
 * from another origin; it may not be framed.
 */
export const DASHBOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/**
 * Headers of every dashboard file. `no-cache` means revalidate, not "do not store": the files
 * have no version in their names, so after an upgrade the browser must not keep old ones, and an
 * unchanged file costs a 304 (its ETag).
 */
function setDashboardHeaders(response: Response): void {
  response.setHeader('Content-Security-Policy', DASHBOARD_CSP);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('Cache-Control', 'no-cache');
}

/**
 * The dashboard at `/` of the admin port: `web/` (index.html at `/`) and Chart.js under
 * `/assets/`. Public, mounted before the admin auth: the files hold no data, and the page asks
 * for the token when the API answers 401. Anything else falls through to the next handler.
 */
export function createDashboardRouter(): Router {
  const router = express.Router();
  for (const [route, file] of Object.entries(chartJsFiles())) {
    router.get(route, (_request, response, next) => {
      setDashboardHeaders(response);
      response.sendFile(file, { cacheControl: false }, (error) => {
        if (error) next(error);
      });
    });
  }
  router.use(
    express.static(WEB_DIR, {
      index: 'index.html',
      redirect: false,
      dotfiles: 'ignore',
      cacheControl: false,
      setHeaders: setDashboardHeaders,
    }),
  );
  return router;
}
