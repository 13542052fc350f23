import { useState } from "react";
import type { FormEvent } from "react";
import { ApiError, get, post } from "../api/client";
import type { Tariff, TariffView } from "../api/types";
import { useSession } from "../auth/session";
import { ErrorNote } from "../components/Notes";
import { useLoad } from "../components/useLoad";
import { formatDateTime, formatMoney, zonedInstant } from "../format";

interface Scope {
  site_code?: string;
  customer_id?: number;
}

export function Tariffs() {
  const { t, path, config, can } = useSession();
  const [site, setSite] = useState("");
  const [customer, setCustomer] = useState("");
  const scope: Scope = customer ? { customer_id: Number(customer) } : site ? { site_code: site } : {};
  const view = useLoad(() => get<TariffView>(path("tariffs"), { ...scope }), [path, site, customer]);
  if (!config) return <p>{t.loading}</p>;
  const rate = (tariff: Tariff) => `${formatMoney(tariff.rate_per_kwh, tariff.currency, config.locale)}/kWh`;
  return (
    <section className="tariffs">
      <h1>{t.tariffs}</h1>
      <div className="filters">
        <label>{t.site}
          <select aria-label={t.scope} value={site} onChange={(e) => { setSite(e.target.value); setCustomer(""); }}>
            <option value="">{t.countryWide}</option>
            {config.sites.map((s) => <option key={s.code} value={s.code}>{s.code} · {s.name}</option>)}
          </select>
        </label>
        <label>{t.customerId}
          <input inputMode="numeric" value={customer} onChange={(e) => setCustomer(e.target.value.replace(/\D/g, ""))} />
        </label>
      </div>
      <ErrorNote error={view.error} />
      <div className="card current-rate">
        <span>{t.currentRate}</span>
        <strong data-testid="current-rate">{view.data?.current ? rate(view.data.current) : "—"}</strong>
        {view.data?.current && <small>{view.data.current.scope} · {t.effectiveFrom} {formatDateTime(view.data.current.effective_from, config.locale, config.timezone)}</small>}
      </div>
      {can("tariffs.write") && <TariffForm scope={scope} onSaved={() => void view.reload()} />}
      <h2>{t.history}</h2>
      <table className="tariff-history">
        <thead><tr><th>{t.effectiveFrom}</th><th>{t.scope}</th><th>{t.ratePerKwh}</th><th>{t.createdBy}</th><th>{t.note}</th></tr></thead>
        <tbody>
          {view.data?.history.map((row, index) => (
            <tr key={row.id ?? `default-${index}`}>
              <td>{formatDateTime(row.effective_from, config.locale, config.timezone)}</td>
              <td>{row.scope}{row.site_code ? ` ${row.site_code}` : ""}{row.customer_id ? ` #${row.customer_id}` : ""}</td>
              <td className="num">{rate(row)}</td>
              <td>{row.created_by}</td>
              <td>{row.note ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function TariffForm({ scope, onSaved }: { scope: Scope; onSaved(): void }) {
  const { t, path, config } = useSession();
  const zone = config?.timezone ?? "UTC";
  const [rate, setRate] = useState("");
  const [effective, setEffective] = useState("");
  const [note, setNote] = useState("");
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    setSaved(false);
    try {
      await post(path("createTariff"), {
        ...scope,
        rate_per_kwh: rate,
        effective_from: effective ? zonedInstant(effective, zone).toISOString() : undefined,
        note: note || undefined,
      });
      setSaved(true);
      setRate("");
      onSaved();
    } catch (caught) {
      setProblem(caught instanceof ApiError ? caught : new ApiError(0, "error", String(caught)));
    }
  }

  const fieldError = (name: string) => problem?.messageFor(name) && <span className="field-error">{problem.messageFor(name)}</span>;
  return (
    <form className="card grid" onSubmit={submit} aria-label={t.newRate}>
      <label>{t.ratePerKwh}
        <input name="rate_per_kwh" type="number" step="0.0001" min="0" required value={rate} onChange={(e) => setRate(e.target.value)} />
        {fieldError("rate_per_kwh")}
      </label>
      <label>{t.effectiveFrom} ({zone})
        <input name="effective_from" type="datetime-local" value={effective} onChange={(e) => setEffective(e.target.value)} />
        {fieldError("effective_from")}
      </label>
      <label>{t.note}
        <input name="note" value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      <div><button type="submit">{t.newRate}</button> {saved && <span role="status">{t.saved}</span>}</div>
      {problem && problem.fields.length === 0 && <p role="alert" className="error">{problem.message}</p>}
    </form>
  );
}
