import { useState } from "react";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { get } from "../../api/client";
import type { Consumption, Granularity } from "../../api/types";
import { useSession } from "../../auth/session";
import { dayOf, formatNumber, formatPeriod } from "../../format";
import { ErrorNote } from "../Notes";
import { useLoad } from "../useLoad";

const DEFAULT_DAYS: Record<Granularity, number> = { hour: 3, day: 60, month: 730 };

function rangeFor(granularity: Granularity, timeZone: string): { from: string; to: string } {
  const now = new Date();
  const start = new Date(now.getTime() - DEFAULT_DAYS[granularity] * 86_400_000);
  const tomorrow = new Date(now.getTime() + 86_400_000);
  return { from: dayOf(start, timeZone), to: dayOf(tomorrow, timeZone) };
}

/** kWh of the account's primary meters per hour, or per day or month of the country's calendar
 * (the API names each period by its start in UTC; shown here in the country's time zone). */
export function ConsumptionChart({ account }: { account: string }) {
  const { t, path, config } = useSession();
  const zone = config?.timezone ?? "UTC";
  const [granularity, setGranularity] = useState<Granularity>("day");
  const [range, setRange] = useState(() => rangeFor("day", zone));
  const { data, error } = useLoad(
    () => get<Consumption>(path("consumption", { account_number: account }), {
      granularity, from: `${range.from}T00:00:00Z`, to: `${range.to}T00:00:00Z`,
    }),
    [path, account, granularity, range.from, range.to],
  );

  function choose(next: Granularity) {
    setGranularity(next);
    setRange(rangeFor(next, zone));
  }

  const locale = config?.locale ?? "en";
  const points = (data?.items ?? []).map((item) => ({
    period: formatPeriod(item.period, granularity, locale, zone),
    kwh: Number(item.kwh),
  }));
  const labels: Record<Granularity, string> = { hour: t.hourly, day: t.daily, month: t.monthly };
  return (
    <div className="card chart" data-testid="consumption-chart">
      <div className="filters">
        <div className="segmented" role="group" aria-label={t.consumption}>
          {(["hour", "day", "month"] as const).map((g) => (
            <button key={g} type="button" className={g === granularity ? "" : "secondary"} aria-pressed={g === granularity}
              onClick={() => choose(g)}>{labels[g]}</button>
          ))}
        </div>
        <label>{t.from}<input type="date" value={range.from} onChange={(e) => setRange({ ...range, from: e.target.value })} /></label>
        <label>{t.to}<input type="date" value={range.to} onChange={(e) => setRange({ ...range, to: e.target.value })} /></label>
      </div>
      <ErrorNote error={error} />
      {data && points.length === 0 && <p>{t.noReadings}</p>}
      {points.length > 0 && (
        <ResponsiveContainer width="100%" height={240}>
          <BarChart data={points}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="period" tick={{ fontSize: 11 }} minTickGap={24} />
            <YAxis tick={{ fontSize: 11 }} width={48} />
            <Tooltip formatter={(value) => `${formatNumber(Number(value), locale, 3)} kWh`} />
            <Bar dataKey="kwh" fill="#0b7a5a" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      )}
    </div>
  );
}
