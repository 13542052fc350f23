import { useEffect, useState } from "react";
import { get } from "../api/client";
import type { Customer, Page } from "../api/types";
import { useSession } from "../auth/session";
import { formatMoney, formatNumber } from "../format";

export function Dashboard() {
  const { config, t, api } = useSession();
  const [total, setTotal] = useState<number | null>(null);

  useEffect(() => {
    get<Page<Customer>>(api("/customers"), { page_size: 1 }).then((page) => setTotal(page.total));
  }, [api]);

  if (!config) return <p>{t.loading}</p>;
  return (
    <section>
      <h1>{config.name}</h1>
      <div className="tiles">
        <div className="tile"><span>{t.customerCount}</span>
          <strong data-testid="customer-total">{total === null ? "…" : formatNumber(total, config.locale)}</strong></div>
        <div className="tile"><span>{t.sites}</span><strong>{config.sites.length}</strong></div>
        <div className="tile"><span>{t.tariff}</span>
          <strong>{config.default_tariff_per_kwh
            ? `${formatMoney(config.default_tariff_per_kwh, config.currency, config.locale)}/kWh` : "—"}</strong></div>
      </div>
    </section>
  );
}
