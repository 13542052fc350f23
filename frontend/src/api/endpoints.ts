/** Every API operation the portal calls, by name: `paths.json` is checked against the OpenAPI
 * documents of the gateway and the country API (tests/frontend/test_api_paths.py). */
import paths from "./paths.json";

export type GatewayOperation = keyof typeof paths.gateway;
export type CountryOperation = keyof typeof paths.country;
type Params = Record<string, string | number>;

interface Parsed {
  method: string;
  path: string;
  query: string[];
}

export function parseOperation(spec: string): Parsed {
  const [method = "", target = ""] = spec.split(" ");
  const [path = "", query = ""] = target.split("?");
  return { method, path, query: query ? query.split("&") : [] };
}

function fill(path: string, params: Params): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`missing path parameter ${name} for ${path}`);
    return encodeURIComponent(String(value));
  });
}

/** The gateway's own path, e.g. `gatewayPath("me")` → `/auth/me`. */
export function gatewayPath(operation: GatewayOperation, params: Params = {}): string {
  return fill(parseOperation(paths.gateway[operation]).path, params);
}

/** A country API path through the gateway: `/api/customers/{account_number}` → `/api/ls/customers/0045MAK`. */
export function countryOperationPath(
  country: string,
  operation: CountryOperation,
  params: Params = {},
): string {
  const path = fill(parseOperation(paths.country[operation]).path, params);
  return path.replace(/^\/api\//, `/api/${country.toLowerCase()}/`);
}

export const operations = paths;
