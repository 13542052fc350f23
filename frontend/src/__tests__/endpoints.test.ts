import { describe, expect, it } from "vitest";
import { countryOperationPath, gatewayPath, operations, parseOperation } from "../api/endpoints";

describe("named API operations", () => {
  it("routes country paths through the gateway proxy", () => {
    expect(countryOperationPath("LS", "customer", { account_number: "0045 MAK" })).toBe(
      "/api/ls/customers/0045%20MAK",
    );
    expect(countryOperationPath("bn", "export", { name: "payments" })).toBe("/api/bn/exports/payments.xlsx");
    expect(gatewayPath("me")).toBe("/auth/me");
  });
  it("refuses a missing path parameter", () => {
    expect(() => countryOperationPath("ls", "customer")).toThrow(/account_number/);
  });
  it("declares a method, a path and query names for every operation", () => {
    for (const spec of [...Object.values(operations.gateway), ...Object.values(operations.country)]) {
      const parsed = parseOperation(spec);
      expect(["GET", "POST", "PATCH", "PUT", "DELETE"]).toContain(parsed.method);
      expect(parsed.path.startsWith("/")).toBe(true);
    }
    expect(parseOperation(operations.country.consumption).query).toEqual(["granularity", "from", "to"]);
  });
});
