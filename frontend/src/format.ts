/** Amounts and dates for the country's locale (`en_LS` → `en-LS`). */

export const bcp47 = (locale: string) => locale.replace("_", "-");

export function formatMoney(amount: string | number, currency: string, locale: string): string {
  return new Intl.NumberFormat(bcp47(locale), { style: "currency", currency }).format(Number(amount));
}

export function formatNumber(value: string | number, locale: string, digits = 0): string {
  return new Intl.NumberFormat(bcp47(locale), { maximumFractionDigits: digits }).format(Number(value));
}

export function formatDate(value: string | null | undefined, locale: string): string {
  if (!value) return "—";
  return new Intl.DateTimeFormat(bcp47(locale), { dateStyle: "medium" }).format(new Date(value));
}
