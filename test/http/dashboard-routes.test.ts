import express from 'express';
import request from 'supertest';
import { createDashboardRouter, DASHBOARD_CSP } from '../../src/http/dashboard-routes';

/** The router as the admin app mounts it: first, with whatever comes after it answering the rest. */
const app = express();
app.use(createDashboardRouter());
app.use((_request, response) => {
  response.status(418).json({ message: 'fell through' });
});

/** The headers every dashboard file carries. */
function expectDashboardHeaders(response: request.Response): void {
  expect(response.headers['content-security-policy']).toBe(DASHBOARD_CSP);
  expect(response.headers['x-content-type-options']).toBe('nosniff');
  expect(response.headers['referrer-policy']).toBe('no-referrer');
  expect(response.headers['cache-control']).toBe('no-cache');
  expect(response.headers['etag']).toBeDefined();
}

describe('the dashboard router', () => {
  it('serves the page at / with a CSP that allows nothing inline and nothing from another origin', async () => {
    const response = await request(app).get('/');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expectDashboardHeaders(response);
    expect(response.text).toContain('<script src="dashboard.js" type="module"></script>');
    // The CSP would block them; none may be written.
    expect(response.text).not.toMatch(/<script>|<style|style="|on(click|load|submit)=/i);
    expect(response.text).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it.each(['/dashboard.js', '/api.js', '/dashboard.css'])('serves %s with its type', async (path) => {
    const response = await request(app).get(path);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(path.endsWith('.css') ? /^text\/css/ : /^(text|application)\/javascript/);
    expectDashboardHeaders(response);
  });

  it("serves Chart.js's UMD build and its source map from node_modules", async () => {
    const script = await request(app).get('/assets/chart.umd.min.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect(script.text).toContain('window.Chart=');
    expectDashboardHeaders(script);
    expect((await request(app).get('/assets/chart.umd.min.js.map')).status).toBe(200);
  });

  it('answers a revalidation with its ETag with 304', async () => {
    const first = await request(app).get('/dashboard.js');
    const again = await request(app).get('/dashboard.js').set('If-None-Match', first.headers['etag'] as string);
    expect(again.status).toBe(304);
  });

  it.each(['/apps', '/kpis/dau/count', '/assets/other.js', '/../package.json', '/%2e%2e/package.json', '/nope.html'])('leaves %s to what comes after it', async (path) => {
    const response = await request(app).get(path);
    expect(response.status).toBe(418);
  });
});
