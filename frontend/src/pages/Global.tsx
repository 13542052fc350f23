import { get } from "../api/client";
import { gatewayPath } from "../api/endpoints";
import type { GlobalRevenue } from "../api/types";
import { useSession } from "../auth/session";
import { ErrorNote, Spinner } from "../components/Notes";
import { TimeLines } from "../components/reports/Charts";
import { MonthRange, useMonthRange } from "../components/reports/MonthRange";
import { useLoad } from "../components/useLoad";
import { formatMoney, formatNumber } from "../format";

/** Regional managers: revenue of every country in USD, what is missing, and the rates used. */
export function Global() {
  const { t, config, can } = useSession();
  const [range, setRange] = useMonthRange(6);
  const revenue = useLoad(() => get<GlobalRevenue>(gatewayPath("globalRevenue"), { ...range, granularity: "month" }), [range.from, range.to]);
  if (!can("global.read")) return <p className="error">{t.notAllowed}</p>;
  const locale = config?.locale ?? "en";
  const usd = (value: string | number | null) => (value === null ? "—" : formatMoney(value, "USD", locale));
  const data = revenue.data;
  const countries = data ? Object.entries(data.countries) : [];
  const down = countries.filter(([, c]) => c.status !== "ok");
  const periods = data?.totals.map((row) => row.period) ?? [];
  return (
    <section className="global">
      <h1>{t.globalTitle}</h1>
      <MonthRange value={range} onChange={setRange} />
      <ErrorNote error={revenue.error} />
      {!data && !revenue.error && <Spinner label={t.loading} />}
      {data?.partial && (
        <div className="warning" role="alert" data-testid="partial-warning">
          <strong>⚠ {t.partialWarning}</strong>
          <ul>
            {down.map(([code, c]) => <li key={code}>{code.toUpperCase()}: {t.countryDown} — {c.reason}</li>)}
            {data.missing_rates.map((m) => <li key={`${m.currency}-${m.period}`}>{m.currency} {m.period}: {t.missingRate}</li>)}
          </ul>
        </div>
      )}
      {data && (
        <>
          <div className="card">
            <h2>{t.totalsUsd}</h2>
            <TimeLines testId="global-chart" x="period" format={(v) => usd(v)}
              series={[{ key: "total", label: t.total }, ...countries.filter(([, c]) => c.status === "ok").map(([code]) => ({ key: code, label: code.toUpperCase() }))]}
              rows={data.totals.map((row) => ({
                period: row.period,
                total: Number(row.amount_usd ?? 0),
                ...Object.fromEntries(countries.map(([code, c]) => [code, Number(c.series.find((s) => s.period === row.period)?.amount_usd ?? 0)])),
              }))} />
          </div>
          <div className="scroll">
            <table className="global-table">
              <thead><tr><th>{t.country}</th>{periods.map((p) => <th key={p}>{p}</th>)}</tr></thead>
              <tbody>
                {countries.map(([code, c]) => (
                  <tr key={code} className={c.status === "ok" ? "" : "down"} data-testid={`global-${code}`}>
                    <td>{code.toUpperCase()} {c.status !== "ok" && <span className="badge dead">{t.countryDown}</span>}</td>
                    {periods.map((p) => {
                      const row = c.series.find((s) => s.period === p);
                      return (
                        <td key={p} className="num" title={row?.amount_local ? `${row.amount_local} ${row.currency}` : undefined}>
                          {row ? (row.missing_rate ? <span className="badge check">{t.missingRate}</span> : usd(row.amount_usd)) : "—"}
                        </td>
                      );
                    })}
                  </tr>
                ))}
                <tr className="totals">
                  <td>{t.total}</td>
                  {data.totals.map((row) => <td key={row.period} className="num">{usd(row.amount_usd)}{row.partial ? " *" : ""}</td>)}
                </tr>
              </tbody>
            </table>
          </div>
          <h2>{t.fxRates}</h2>
          <table className="fx-rates">
            <thead><tr><th>{t.period}</th><th>{t.currency}</th><th>{t.rate}</th><th>{t.source}</th></tr></thead>
            <tbody>
              {data.rates.map((r) => (
                <tr key={`${r.currency}-${r.period}`}>
                  <td>{r.period}</td><td>{r.currency}</td><td className="num">{formatNumber(r.rate, locale, 6)}</td><td>{r.source}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
