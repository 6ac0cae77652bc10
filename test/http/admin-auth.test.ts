import request from 'supertest';
import { parseDay } from '../../src/kpis/days';
import { createAdminApp } from '../../src/http/admin-app';
import { createCaptureLogger } from '../support/capture-logger';
import { createKpiOracle } from '../support/kpi-oracle';
import { KPI_APP_ID, KPI_FROM, KPI_TO, kpiTrafficEvents } from '../support/kpi-traffic';

const TOKEN = 'adm1n-t0ken-0123456789abcdef';
const oracle = createKpiOracle(kpiTrafficEvents());
const today = () => parseDay(KPI_TO) as number;
const SPAN = `app=${KPI_APP_ID}&from=${KPI_FROM}&to=${KPI_TO}`;
const DATA_ROUTES = ['/apps', `/kpis/dau/count?${SPAN}`, `/kpis/new-users/lifetime-count?app=${KPI_APP_ID}`, `/events/level.complete/count?${SPAN}`];

const logger = createCaptureLogger();
const guarded = createAdminApp({ kpis: oracle, today, token: TOKEN, logger });

describe('admin port with ADMIN_TOKEN', () => {
  it.each(DATA_ROUTES)('%s without a token: 401 JSON with a Bearer challenge', async (url) => {
    const response = await request(guarded).get(url);
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="ma2pinpoint admin"');
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.body).toEqual({ message: 'the admin API needs the admin token: send Authorization: Bearer <ADMIN_TOKEN>' });
  });

  it.each<[string, string]>([
    ['another token of the same length', `Bearer ${TOKEN.replace(/.$/, 'X')}`],
    ['a prefix of the token', `Bearer ${TOKEN.slice(0, -1)}`],
    ['the token and more', `Bearer ${TOKEN}0`],
    ['the token in another case', `Bearer ${TOKEN.toUpperCase()}`],
  ])('%s: 401, invalid_token', async (_label, authorization) => {
    const response = await request(guarded).get(`/kpis/dau/count?${SPAN}`).set('Authorization', authorization);
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="ma2pinpoint admin", error="invalid_token"');
    expect(response.body).toEqual({ message: 'the bearer token is not the admin token (ADMIN_TOKEN)' });
  });

  it.each<[string, string]>([
    ['another scheme', `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}`],
    ['the bare token', TOKEN],
    ['Bearer without a token', 'Bearer '],
  ])('%s: 401 asking for a bearer token', async (_label, authorization) => {
    const response = await request(guarded).get('/apps').set('Authorization', authorization);
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="ma2pinpoint admin"');
  });

  it.each(DATA_ROUTES)('%s with the token: 200', async (url) => {
    const response = await request(guarded).get(url).set('Authorization', `Bearer ${TOKEN}`);
    expect(response.status).toBe(200);
  });

  it('takes the scheme in any case', async () => {
    expect((await request(guarded).get('/apps').set('Authorization', `bearer ${TOKEN}`)).status).toBe(200);
  });

  it('guards unknown routes too: nothing past the dashboard is answered without the token', async () => {
    expect((await request(guarded).get('/kpis/nothing')).status).toBe(401);
    expect((await request(guarded).get('/elsewhere')).status).toBe(401);
    expect((await request(guarded).get('/elsewhere').set('Authorization', `Bearer ${TOKEN}`)).status).toBe(404);
  });

  it('serves the dashboard without the token: it holds no data', async () => {
    const response = await request(guarded).get('/');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
  });

  it('never logs the token', () => {
    expect(logger.lines.length).toBeGreaterThan(0);
    expect(JSON.stringify(logger.lines)).not.toContain(TOKEN.slice(0, 16));
  });
});

describe('admin port without ADMIN_TOKEN (loopback only)', () => {
  const open = createAdminApp({ kpis: oracle, today, token: undefined, logger: createCaptureLogger() });

  it.each(DATA_ROUTES)('%s: 200 without a token', async (url) => {
    expect((await request(open).get(url)).status).toBe(200);
  });

  it('ignores an Authorization header it has no token to check against', async () => {
    expect((await request(open).get('/apps').set('Authorization', 'Bearer whatever')).status).toBe(200);
  });
});
