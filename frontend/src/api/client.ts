/** The one way the portal talks to the gateway: JSON in and out, errors in one shape. */

export interface ErrorField {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: ErrorField[] = [],
  ) {
    super(message);
  }

  messageFor(field: string): string | undefined {
    return this.fields.find((f) => f.field === field || f.field.endsWith(`.${field}`))?.message;
  }
}

let token: string | null = sessionStorage.getItem("gridcare.token");

export function setToken(value: string | null): void {
  token = value;
  if (value) sessionStorage.setItem("gridcare.token", value);
  else sessionStorage.removeItem("gridcare.token");
}

export function currentToken(): string | null {
  return token;
}

type Query = Record<string, string | number | undefined | null>;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export async function request<T>(
  method: string,
  path: string,
  options: { body?: unknown; query?: Query } = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(withQuery(path, options.query), {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  const data: unknown = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const error = (data as { error?: { code: string; message: string; fields?: ErrorField[] } })?.error;
    throw new ApiError(
      response.status,
      error?.code ?? "http_error",
      error?.message ?? `${response.status} ${response.statusText}`,
      error?.fields ?? [],
    );
  }
  return data as T;
}

/** Sends a file as multipart form data (field `file`); answers and errors as `request`. */
export async function upload<T>(path: string, file: File, query?: Query): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  const form = new FormData();
  form.append("file", file);
  const response = await fetch(withQuery(path, query), { method: "POST", headers, body: form });
  const text = await response.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    const error = (data as { error?: { code: string; message: string; fields?: ErrorField[] } } | null)?.error;
    throw new ApiError(
      response.status,
      error?.code ?? "http_error",
      error?.message ?? `${response.status} ${response.statusText}`,
      error?.fields ?? [],
    );
  }
  return data as T;
}

export const get = <T>(path: string, query?: Query) => request<T>("GET", path, { query });
export const post = <T>(path: string, body?: unknown) => request<T>("POST", path, { body });
export const patch = <T>(path: string, body?: unknown) => request<T>("PATCH", path, { body });

/** A path on the chosen country's API, through the gateway's proxy. */
export const countryPath = (country: string, path: string) => `/api/${country.toLowerCase()}${path}`;

/** Fetches a file with the session's token, reporting progress (0..1, or null while unknown). */
export async function download(
  path: string,
  query: Query | undefined,
  onProgress: (fraction: number | null) => void,
): Promise<{ blob: Blob; filename: string }> {
  const headers: Record<string, string> = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(withQuery(path, query), { headers });
  if (!response.ok || !response.body) {
    const data: unknown = await response.json().catch(() => null);
    const error = (data as { error?: { code: string; message: string } } | null)?.error;
    throw new ApiError(response.status, error?.code ?? "http_error", error?.message ?? response.statusText);
  }
  const total = Number(response.headers.get("content-length")) || 0;
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  onProgress(total ? 0 : null);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
    onProgress(total ? received / total : null);
  }
  const disposition = response.headers.get("content-disposition") ?? "";
  const named = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  const filename = named?.[1] ? decodeURIComponent(named[1]) : path.split("/").pop() ?? "download";
  const type = response.headers.get("content-type") ?? "application/octet-stream";
  return { blob: new Blob(chunks as BlobPart[], { type }), filename };
}
