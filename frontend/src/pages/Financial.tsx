import { get } from "../api/client";
import type { SalesReport } from "../api/types";
import { useSession } from "../auth/session";
import { DownloadButton } from "../components/DownloadButton";
import { ErrorNote } from "../components/Notes";
import { CategoryBars, TimeLines, totalsBySite } from "../components/reports/Charts";
import { MonthRange, useMonthRange } from "../components/reports/MonthRange";
import { useLoad } from "../components/useLoad";
import { formatMoney } from "../format";

const EXPORTS = ["customers", "payments", "meters", "consumption"] as const;

/** Revenue over time and by site, and the Excel exports of the chosen months. */
export function Financial() {
  const { t, path, config } = useSession();
  const [range, setRange] = useMonthRange();
  const sales = useLoad(() => get<SalesReport>(path("revenueReport"), { ...range, granularity: "month" }), [path, range.from, range.to]);
  if (!config) return <p>{t.loading}</p>;
  const money = (v: number) => formatMoney(v, config.currency, config.locale);
  const labels: Record<(typeof EXPORTS)[number], string> = {
    customers: t.exportCustomers, payments: t.exportPayments, meters: t.exportMeters, consumption: t.exportConsumption,
  };
  const days = { from: `${range.from}-01`, to: lastDay(range.to) };
  return (
    <section className="report">
      <h1>{t.financial}</h1>
      <MonthRange value={range} onChange={setRange} />
      <ErrorNote error={sales.error} />
      {sales.data && (
        <>
          <div className="card">
            <h2>{t.revenue}</h2>
            <TimeLines testId="revenue-chart" x="period" format={money} series={[{ key: "revenue", label: t.revenue }]}
              rows={sales.data.series.map((row) => ({ period: row.period, revenue: Number(row.revenue) }))} />
          </div>
          <div className="card">
            <h2>{t.revenueBySite}</h2>
            <CategoryBars empty={t.nothingYet} testId="revenue-by-site" x="site" format={money} series={[{ key: "value", label: t.revenue }]}
              rows={totalsBySite(sales.data.per_site, (row) => Number(row.revenue))} />
          </div>
        </>
      )}
      <div className="card">
        <h2>{t.downloads}</h2>
        <div className="downloads">
          {EXPORTS.map((name) => (
            <DownloadButton key={name} testId={`export-${name}`} label={labels[name]}
              href={path("export", { name })} query={name === "customers" || name === "meters" ? undefined : days} />
          ))}
        </div>
      </div>
    </section>
  );
}

function lastDay(month: string): string {
  const [year = 0, number = 1] = month.split("-").map(Number);
  const day = new Date(Date.UTC(year, number, 0)).getUTCDate();
  return `${month}-${String(day).padStart(2, "0")}`;
}
