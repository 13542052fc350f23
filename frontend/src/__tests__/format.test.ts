import { describe, expect, it } from "vitest";
import { formatMoney } from "../format";
import { languageFor, strings } from "../i18n";

describe("formatting for the country's locale", () => {
  it("shows Benin's francs without decimals, French grouping", () => {
    expect(formatMoney("10000", "XOF", "fr_BJ").replace(/\s/g, " ")).toMatch(/10 000\s?F\s?CFA/);
  });
  it("shows Lesotho's loti with two decimals", () => {
    expect(formatMoney("125.5", "LSL", "en_LS")).toContain("125.50");
  });
  it("defaults Benin to French", () => {
    expect(languageFor("fr_BJ")).toBe("fr");
    expect(strings(languageFor("fr_BJ")).customers).toBe("Clients");
    expect(strings(languageFor("en_LS")).customers).toBe("Customers");
  });
});
