/**
 * The admin API of the page's own origin: JSON over GET, with the admin token (when one was
 * given) as a bearer token. Relative URLs, so the page works wherever the admin app is mounted.
 */

const TOKEN_KEY = 'ma2pinpoint.adminToken';

/** The API answered 401: the page must ask for a (new) token. */
export class UnauthorizedError extends Error {}

/** Any other failed call, with what the page shows: the request and the service's message. */
export class ApiError extends Error {}

/** The token given in this tab, or undefined. sessionStorage: it ends with the tab, never shared with others. */
export function storedToken() {
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

/** Keeps the token for this tab's later calls. */
export function storeToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}

/**
 * GETs `path` (relative, e.g. `kpis/dau/count`) with `params` as the query and returns the parsed
 * JSON. Always revalidates (`no-cache`): the browser sends the ETag it has and reuses its copy on
 * a 304, so a refresh costs little when nothing changed and never shows stale numbers.
 */
export async function getJson(path, params = {}) {
  const url = new URL(path, document.baseURI);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  const shown = `GET ${url.pathname}${url.search}`;
  const headers = { Accept: 'application/json' };
  const token = storedToken();
  if (token !== undefined) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(url, { headers, cache: 'no-cache' });
  } catch (error) {
    throw new ApiError(`${shown}: the service cannot be reached (${error.message})`);
  }
  if (response.status === 401) throw new UnauthorizedError(`${shown}: 401`);
  const text = await response.text();
  const body = parseJson(text);
  if (!response.ok) {
    const message = body?.message ?? (text.trim().slice(0, 200) || response.statusText);
    throw new ApiError(`${shown}: ${response.status} ${message}`);
  }
  if (body === undefined) throw new ApiError(`${shown}: the answer is not JSON`);
  return body;
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
