import { describe, expect, it } from "vitest";
import { addMonths, formatMoney, formatPeriod, monthOf, quarterOf, startOfDayIn, zonedInstant } from "../format";
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

describe("country periods", () => {
  it("finds the start of today in the country's zone", () => {
    const now = new Date("2026-03-10T21:30:00Z");
    expect(startOfDayIn(now, "Africa/Maseru").toISOString()).toBe("2026-03-09T22:00:00.000Z");
    expect(startOfDayIn(now, "Africa/Porto-Novo").toISOString()).toBe("2026-03-09T23:00:00.000Z");
  });
  it("steps months across years and names quarters", () => {
    expect(addMonths("2025-01", -1)).toBe("2024-12");
    expect(addMonths("2024-12", 13)).toBe("2026-01");
    expect(quarterOf("2025-08")).toBe("2025Q3");
    expect(monthOf(new Date("2025-12-31T23:30:00Z"), "Africa/Maseru")).toBe("2026-01");
  });
});

describe("wall-clock times of the country", () => {
  it("reads a datetime input in the country's zone, not the browser's", () => {
    expect(zonedInstant("2026-01-01T06:00", "Africa/Maseru").toISOString()).toBe("2026-01-01T04:00:00.000Z");
    expect(zonedInstant("2026-07-01T00:30", "Africa/Porto-Novo").toISOString()).toBe("2026-06-30T23:30:00.000Z");
  });
  it("shows a Maseru day that began at 22:00 UTC as that day", () => {
    expect(formatPeriod("2026-04-27T22:00:00Z", "day", "en_LS", "Africa/Maseru")).toContain("28");
  });
});
