import { get } from "../api/client";
import type { ArpuReport, ConsumptionReport, CustomerReport } from "../api/types";
import { useSession } from "../auth/session";
import { DownloadButton } from "../components/DownloadButton";
import { ErrorNote } from "../components/Notes";
import { CategoryBars, TimeLines, totalsBySite } from "../components/reports/Charts";
import { MonthRange, useMonthRange } from "../components/reports/MonthRange";
import { useLoad } from "../components/useLoad";
import { addMonths, formatMoney, formatNumber, quarterOf } from "../format";

/** O&M: ARPU over time, consumption by site, customer growth, the quarterly workbook. */
export function OmReport() {
  const { t, path, config } = useSession();
  const [range, setRange] = useMonthRange();
  const arpu = useLoad(() => get<ArpuReport>(path("monthlyArpu"), { ...range }), [path, range.from, range.to]);
  const energy = useLoad(() => get<ConsumptionReport>(path("consumptionReport"), { ...range, granularity: "month" }), [path, range.from, range.to]);
  const growth = useLoad(() => get<CustomerReport>(path("customerReport"), { ...range, granularity: "month" }), [path, range.from, range.to]);
  if (!config) return <p>{t.loading}</p>;
  const money = (v: number) => formatMoney(v, config.currency, config.locale);
  const count = (v: number) => formatNumber(v, config.locale);
  const lastQuarter = quarterOf(addMonths(range.to, -3));
  return (
    <section className="report">
      <h1>{t.omReport}</h1>
      <MonthRange value={range} onChange={setRange} />
      <div className="card">
        <h2>{t.arpuOverTime}</h2>
        <ErrorNote error={arpu.error} />
        {arpu.data && (
          <TimeLines testId="arpu-chart" x="period" format={money} series={[{ key: "arpu", label: t.arpu }]}
            rows={arpu.data.arpu.map((row) => ({ period: row.period, arpu: Number(row.arpu) }))} />
        )}
      </div>
      <div className="card">
        <h2>{t.consumptionBySite} (kWh)</h2>
        <ErrorNote error={energy.error} />
        {energy.data && (
          <CategoryBars empty={t.nothingYet} testId="consumption-by-site" x="site" format={count} series={[{ key: "value", label: "kWh" }]}
            rows={totalsBySite(energy.data.per_site, (row) => Number(row.kwh))} />
        )}
      </div>
      <div className="card">
        <h2>{t.customerGrowth}</h2>
        <ErrorNote error={growth.error} />
        {growth.data && (
          <TimeLines testId="customer-growth" x="period" format={count}
            series={[{ key: "total", label: t.total }, { key: "active", label: t.activeCustomers }, { key: "paying", label: t.payingCustomers }, { key: "new", label: t.newCustomers }]}
            rows={growth.data.series.map((row) => ({ period: row.period, total: row.total, active: row.active, paying: row.paying, new: row.new }))} />
        )}
      </div>
      <div className="card">
        <h2>{t.downloads}</h2>
        <DownloadButton testId="quarterly-xlsx" label={`${t.quarterlyWorkbook} ${lastQuarter}`}
          href={path("quarterlyWorkbook")} query={{ quarter: lastQuarter }} />
      </div>
    </section>
  );
}
