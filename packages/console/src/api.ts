/** An RFC 9457 problem the API answered, with its field errors. */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors: { path: string; message: string }[] = [],
  ) {
    super(detail || title);
  }
}

let csrfToken = '';
/** Called when the API says the session ended: the app shows the sign-in again. */
let onSignedOut: () => void = () => undefined;

export function useSession(token: string, signedOut: () => void): void {
  csrfToken = token;
  onSignedOut = signedOut;
}

/**
 * A call of the public API with the session cookie (same origin). Changes carry the session's CSRF token;
 * the buttons that send them are disabled while one is under way, so a double click sends one.
 */
export async function api<T = any>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  const res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const parsed = text ? JSON.parse(text) : undefined;
  if (res.status === 401 && path !== '/v1/session') onSignedOut();
  if (!res.ok) throw new Problem(res.status, parsed?.title ?? res.statusText, parsed?.detail ?? '', parsed?.errors ?? []);
  return parsed as T;
}

/** The query string of the filters that are set. */
export function query(params: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '' && value !== false) q.set(key, String(value));
  const s = q.toString();
  return s ? `?${s}` : '';
}
