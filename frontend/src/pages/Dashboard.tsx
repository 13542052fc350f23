import { get } from "../api/client";
import type {
  ConsumptionReport,
  CreditBacklog,
  CustomerReport,
  Page,
  Payment,
  SalesReport,
} from "../api/types";
import { useSession } from "../auth/session";
import { ErrorNote } from "../components/Notes";
import { RetryDeadCredits } from "../components/RetryDeadCredits";
import { useLoad } from "../components/useLoad";
import { addMonths, formatMoney, formatNumber, monthOf, startOfDayIn } from "../format";

interface Figures {
  customers: number;
  active: number | null;
  revenue: [string, string] | null;
  energy: [string, string] | null;
  paymentsToday: number;
  backlog: CreditBacklog;
}

export function Dashboard() {
  const { config, t, path } = useSession();
  const zone = config?.timezone ?? "UTC";
  const { data, error, reload } = useLoad(async (): Promise<Figures> => {
    const now = new Date();
    const month = monthOf(now, zone);
    const range = { from: addMonths(month, -1), to: month, granularity: "month" };
    const [customers, population, sales, energy, today, backlog] = await Promise.all([
      get<Page<unknown>>(path("customers"), { page_size: 1 }),
      get<CustomerReport>(path("customerReport"), range).catch(() => null),
      get<SalesReport>(path("revenueReport"), range).catch(() => null),
      get<ConsumptionReport>(path("consumptionReport"), range).catch(() => null),
      get<Page<Payment>>(path("payments"), { since: startOfDayIn(now, zone).toISOString(), page_size: 1 }),
      get<CreditBacklog>(path("creditBacklog")),
    ]);
    const pair = <T,>(rows: T[] | undefined, pick: (row: T) => string): [string, string] | null =>
      rows && rows.length === 2 ? [pick(rows[1] as T), pick(rows[0] as T)] : null;
    return {
      customers: customers.total,
      active: population?.series.at(-1)?.active ?? null,
      revenue: pair(sales?.series, (row) => row.revenue),
      energy: pair(energy?.series, (row) => row.kwh),
      paymentsToday: today.total,
      backlog,
    };
  }, [path, zone]);

  if (!config) return <p>{t.loading}</p>;
  const money = (value: string) => formatMoney(value, config.currency, config.locale);
  const kwh = (value: string) => `${formatNumber(value, config.locale)} kWh`;
  return (
    <section>
      <h1>{config.name}</h1>
      <ErrorNote error={error} />
      <div className="tiles">
        <Tile label={t.customerCount} value={data ? formatNumber(data.customers, config.locale) : null} testId="customer-total" />
        <Tile label={t.activeCustomers} value={data?.active == null ? null : formatNumber(data.active, config.locale)} />
        <Tile label={t.revenueThisMonth} value={data?.revenue ? money(data.revenue[0]) : null}
          hint={data?.revenue ? `${t.lastMonth}: ${money(data.revenue[1])}` : undefined} testId="revenue-month" />
        <Tile label={t.energyThisMonth} value={data?.energy ? kwh(data.energy[0]) : null}
          hint={data?.energy ? `${t.lastMonth}: ${kwh(data.energy[1])}` : undefined} />
        <Tile label={t.paymentsToday} value={data ? formatNumber(data.paymentsToday, config.locale) : null} />
        <Tile label={t.creditBacklog} value={data ? formatNumber(data.backlog.pending, config.locale) : null}
          hint={data ? `${t.creditBacklogDead}: ${formatNumber(data.backlog.dead, config.locale)}` : undefined} />
        <Tile label={t.sites} value={String(config.sites.length)} />
        <Tile label={t.tariff} value={config.default_tariff_per_kwh ? `${money(config.default_tariff_per_kwh)}/kWh` : "—"} />
      </div>
      {data && <RetryDeadCredits dead={data.backlog.dead} onDone={() => void reload()} />}
    </section>
  );
}

function Tile(props: { label: string; value: string | null; hint?: string; testId?: string }) {
  return (
    <div className="tile">
      <span>{props.label}</span>
      <strong data-testid={props.testId}>{props.value ?? "…"}</strong>
      {props.hint && <small>{props.hint}</small>}
    </div>
  );
}
