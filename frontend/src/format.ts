/** Amounts, dates and periods for the country's locale (`en_LS` → `en-LS`) and time zone. */

export const bcp47 = (locale: string) => locale.replace("_", "-");

export function formatMoney(amount: string | number, currency: string, locale: string): string {
  return new Intl.NumberFormat(bcp47(locale), { style: "currency", currency }).format(Number(amount));
}

export function formatNumber(value: string | number, locale: string, digits = 0): string {
  return new Intl.NumberFormat(bcp47(locale), { maximumFractionDigits: digits }).format(Number(value));
}

export function formatDate(value: string | null | undefined, locale: string, timeZone?: string): string {
  if (!value) return "—";
  return new Intl.DateTimeFormat(bcp47(locale), { dateStyle: "medium", timeZone }).format(new Date(value));
}

export function formatDateTime(value: string | null | undefined, locale: string, timeZone?: string): string {
  if (!value) return "—";
  return new Intl.DateTimeFormat(bcp47(locale), { dateStyle: "short", timeStyle: "short", timeZone }).format(
    new Date(value),
  );
}

/** `2025-03` in the given zone (the country's months, not the browser's). */
export function monthOf(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit" }).formatToParts(instant);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}`;
}

/** The month `delta` months after `month` (`2025-01`, -1 → `2024-12`). */
export function addMonths(month: string, delta: number): string {
  const [year = 0, number = 1] = month.split("-").map(Number);
  const index = year * 12 + (number - 1) + delta;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}

/** `2025Q3` for a `2025-08` month. */
export function quarterOf(month: string): string {
  const [year = "", number = "1"] = month.split("-");
  return `${year}Q${Math.floor((Number(number) - 1) / 3) + 1}`;
}

function offsetMinutes(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit",
  }).formatToParts(instant);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(part("year"), part("month") - 1, part("day"), part("hour"), part("minute"), part("second"));
  return Math.round((asUtc - instant.getTime()) / 60000);
}

/** A wall-clock time in `timeZone` (`2026-01-01T06:00` from a datetime input) as an instant. */
export function zonedInstant(local: string, timeZone: string): Date {
  const asUtc = new Date(`${local.length === 16 ? `${local}:00` : local}Z`);
  const guess = new Date(asUtc.getTime() - offsetMinutes(asUtc, timeZone) * 60000);
  return new Date(asUtc.getTime() - offsetMinutes(guess, timeZone) * 60000);
}

/** The instant today began in `timeZone` (for "payments today"). */
export function startOfDayIn(now: Date, timeZone: string): Date {
  const day = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
  const midnightUtc = new Date(`${day}T00:00:00Z`);
  return new Date(midnightUtc.getTime() - offsetMinutes(midnightUtc, timeZone) * 60000);
}

/** `YYYY-MM-DD` of an instant in the given zone. */
export function dayOf(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(instant);
}

const PERIOD_STYLE: Record<"hour" | "day" | "month", Intl.DateTimeFormatOptions> = {
  hour: { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" },
  day: { year: "numeric", month: "short", day: "numeric" },
  month: { year: "numeric", month: "short" },
};

/** A period's start instant (`2026-04-27T22:00:00Z`) as the country's calendar shows it. */
export function formatPeriod(
  instant: string,
  granularity: "hour" | "day" | "month",
  locale: string,
  timeZone: string,
): string {
  const style = { ...PERIOD_STYLE[granularity], timeZone };
  return new Intl.DateTimeFormat(bcp47(locale), style).format(new Date(instant));
}
