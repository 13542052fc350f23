import { useState } from "react";
import { useSession } from "../../auth/session";
import { addMonths, monthOf } from "../../format";

export interface Months {
  from: string;
  to: string;
}

/** The last `count` months of the country (this one included), changeable by the user. */
export function useMonthRange(count = 12): [Months, (next: Months) => void] {
  const { config } = useSession();
  const now = monthOf(new Date(), config?.timezone ?? "UTC");
  return useState<Months>({ from: addMonths(now, 1 - count), to: now });
}

export function MonthRange({ value, onChange }: { value: Months; onChange(next: Months): void }) {
  const { t } = useSession();
  return (
    <div className="filters">
      <label>{t.from}<input type="month" value={value.from} onChange={(e) => e.target.value && onChange({ ...value, from: e.target.value })} /></label>
      <label>{t.to}<input type="month" value={value.to} onChange={(e) => e.target.value && onChange({ ...value, to: e.target.value })} /></label>
    </div>
  );
}
