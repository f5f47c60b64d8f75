/**
 * Joins a backend `base_url` and a versioned API path such as `/v1/chat/completions`.
 * The rule (also in the README):
 * - a base URL with no path is a server root, and gets the full path:
 *   `http://gpu:8000` → `http://gpu:8000/v1/chat/completions`;
 * - a base URL with a path is the API root, as in the client SDKs' `baseURL`, and gets the path
 *   without its version prefix: `https://host/compat/v1/` → `https://host/compat/v1/chat/completions`,
 *   `https://host/v1beta/compat` → `…/v1beta/compat/chat/completions`.
 */
export function joinUrl(baseUrl: string, apiPath: string, query?: string): string {
  const schemeEnd = baseUrl.indexOf('://');
  const pathStart = baseUrl.indexOf('/', schemeEnd < 0 ? 0 : schemeEnd + 3);
  const base = baseUrl.replace(/\/+$/, '');
  const hasPath = pathStart >= 0 && base.length > pathStart;
  let path = apiPath.startsWith('/') ? apiPath : `/${apiPath}`;
  if (hasPath) path = path.replace(/^\/v\d+[a-z0-9]*(?=\/)/, '');
  return query ? `${base}${path}?${query}` : `${base}${path}`;
}
