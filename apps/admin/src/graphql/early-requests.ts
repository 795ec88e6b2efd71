/**
 * GraphQL requests sent before the console's code has arrived, handed over to the app when it asks the
 * same question. The errors page's first paint (errors-first-paint.ts, inlined into index.html) sends the
 * page's Viewer and SyncErrors queries while the browser is still downloading the app; when the app's urql
 * client then sends the same operation with the same variables and key, it gets that answer (already on
 * its way, or arrived) instead of a second request. One cold load of /errors thus reads its list once.
 *
 * The hand-over is a map on `window`, because the first paint and the app are two separate bundles: this
 * module is compiled into both.
 */

interface EarlyBody {
  operationName: string;
  query: string;
  variables: Record<string, unknown>;
}

declare global {
  interface Window {
    __tandemEarlyRequests?: Map<string, Promise<Response>>;
  }
}

/** How long an unclaimed answer waits for the app: a load whose app never asks must not keep it. */
const UNCLAIMED_MS = 15_000;

/** JSON with every object's keys in order: urql sends variables with sorted keys; the page builds them in its own. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}

function requestKey(authorization: string, body: EarlyBody): string {
  return canonical([authorization, body.operationName, body.query, body.variables]);
}

/** Sends a query now, as the app's client would (POST, JSON), and keeps its answer for the app. */
export function sendEarly(url: string, authorization: string, body: EarlyBody): Promise<Response> {
  const response = fetch(url, {
    method: 'POST',
    headers: {
      accept: 'application/graphql-response+json, application/json',
      'content-type': 'application/json',
      authorization,
    },
    body: JSON.stringify(body),
  });
  // A refused request is the app's to report (its own request would have met the same): not unhandled here.
  response.catch(() => {});
  window.__tandemEarlyRequests ??= new Map();
  const early = window.__tandemEarlyRequests;
  const key = requestKey(authorization, body);
  early.set(key, response);
  setTimeout(() => {
    if (early.get(key) === response) early.delete(key);
  }, UNCLAIMED_MS);
  return response;
}

function headerOf(init: RequestInit | undefined, name: string): string | null {
  const headers = init?.headers;
  if (!headers) return null;
  if (headers instanceof Headers) return headers.get(name);
  if (Array.isArray(headers)) return headers.find(([key]) => key.toLowerCase() === name)?.[1] ?? null;
  return (headers as Record<string, string>)[name] ?? null;
}

/**
 * The early answer to this request of the app's, once: the same operation, query text, variables and key.
 * Anything else (another question, a second asking) is undefined, and the app sends its own request.
 */
export function takeEarlyResponse(init: RequestInit | undefined): Promise<Response> | undefined {
  const early = typeof window === 'undefined' ? undefined : window.__tandemEarlyRequests;
  if (!early?.size || typeof init?.body !== 'string') return undefined;
  let body: EarlyBody;
  try {
    body = JSON.parse(init.body) as EarlyBody;
  } catch {
    return undefined;
  }
  const key = requestKey(headerOf(init, 'authorization') ?? '', { ...body, variables: body.variables ?? {} });
  const response = early.get(key);
  early.delete(key);
  return response;
}
