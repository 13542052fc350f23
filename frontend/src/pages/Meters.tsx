import { useState } from "react";
import type { FormEvent } from "react";
import { Link } from "react-router-dom";
import { ApiError, get, post } from "../api/client";
import type { Meter, Page } from "../api/types";
import { useSession } from "../auth/session";
import { ErrorNote } from "../components/Notes";
import { errorText, useLoad } from "../components/useLoad";

const PLATFORMS = ["sparkmeter", "onemeter", "steamaco", "legacy"];

/** Meters: search by serial, account or site; register; replace a faulty one; decommission. */
export function Meters() {
  const { t, path, can, config } = useSession();
  const [q, setQ] = useState("");
  const [site, setSite] = useState("");
  const [query, setQuery] = useState({ q: "", site: "" });
  const meters = useLoad(
    () => get<Page<Meter>>(path("meters"), { q: query.q, site: query.site, page_size: 100 }),
    [path, query],
  );
  const writer = can("meters.write");

  function search(event: FormEvent) {
    event.preventDefault();
    setQuery({ q, site });
  }

  return (
    <section className="meters-page">
      <h1>{t.meters}</h1>
      <form className="filters" onSubmit={search} role="search">
        <input name="q" value={q} placeholder={t.meterSearch} aria-label={t.meterSearch} onChange={(e) => setQ(e.target.value)} />
        <select name="site" value={site} aria-label={t.site} onChange={(e) => setSite(e.target.value)}>
          <option value="">{t.allSites}</option>
          {config?.sites.map((s) => <option key={s.code} value={s.code}>{s.name}</option>)}
        </select>
        <button type="submit">{t.search.split(" ")[0]}</button>
      </form>
      {writer && <RegisterMeter onDone={() => void meters.reload()} />}
      <ErrorNote error={meters.error} />
      <table className="meters" data-testid="meters-table">
        <thead><tr><th>{t.meter}</th><th>{t.platform}</th><th>{t.status}</th><th>{t.role}</th><th>{t.account}</th>{writer && <th />}</tr></thead>
        <tbody>
          {meters.data?.items.map((m) => (
            <tr key={m.meter_id} data-testid={`meter-${m.meter_id}`}>
              <td>{m.meter_id}</td>
              <td>{m.platform}</td>
              <td>{m.status}</td>
              <td>{m.role ? <span className={`badge ${m.role}`}>{m.role}</span> : t.unassigned}</td>
              <td>{m.account_number ? <Link to={`/customers/${m.account_number}`}>{m.account_number}</Link> : ""}</td>
              {writer && <td>{m.status !== "decommissioned" && <MeterActions meter={m} onDone={() => void meters.reload()} />}</td>}
            </tr>
          ))}
          {meters.data?.items.length === 0 && <tr><td colSpan={6}>{t.nothingYet}</td></tr>}
        </tbody>
      </table>
    </section>
  );
}

function MeterActions(props: { meter: Meter; onDone(): void }) {
  const { t, path } = useSession();
  const [mode, setMode] = useState<"replace" | "decommission" | null>(null);
  const [serial, setSerial] = useState("");
  const [error, setError] = useState<string | null>(null);
  const id = props.meter.meter_id;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      if (mode === "replace") {
        await post(path("replaceMeter", { meter_id: id }), { new_meter_id: serial });
      } else {
        const body = serial ? { replacement_meter_id: serial, replacement_platform: props.meter.platform } : undefined;
        await post(path("decommissionMeter", { meter_id: id }), body);
      }
      setMode(null);
      setSerial("");
      props.onDone();
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  if (mode === null) {
    return (
      <span className="row-actions">
        {props.meter.account_number && <button type="button" onClick={() => setMode("replace")}>{t.replace}</button>}
        <button type="button" className="secondary" onClick={() => setMode("decommission")}>{t.decommission}</button>
      </span>
    );
  }
  return (
    <form className="inline" onSubmit={submit} aria-label={`${mode} ${id}`}>
      <input name="serial" value={serial} required={mode === "replace"}
        placeholder={mode === "replace" ? t.newMeterId : t.replacementMeter}
        aria-label={mode === "replace" ? t.newMeterId : t.replacementMeter}
        onChange={(e) => setSerial(e.target.value)} />
      <button type="submit">{mode === "replace" ? t.replace : t.decommission}</button>
      <button type="button" className="secondary" onClick={() => setMode(null)}>{t.cancel}</button>
      <ErrorNote error={error} />
    </form>
  );
}

function RegisterMeter(props: { onDone(): void }) {
  const { t, path } = useSession();
  const [values, setValues] = useState({ meter_id: "", account_number: "", role: "primary", platform: "sparkmeter" });
  const [problem, setProblem] = useState<ApiError | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    try {
      await post(path("registerMeter"), values);
      setValues({ ...values, meter_id: "" });
      props.onDone();
    } catch (caught) {
      if (caught instanceof ApiError) setProblem(caught);
      else throw caught;
    }
  }

  const field = (name: "meter_id" | "account_number", label: string) => (
    <label>
      {label}
      <input name={name} value={values[name]} onChange={(e) => setValues({ ...values, [name]: e.target.value })}
        aria-invalid={Boolean(problem?.messageFor(name))} />
      {problem?.messageFor(name) && <span className="field-error">{problem.messageFor(name)}</span>}
    </label>
  );

  return (
    <details className="card">
      <summary>{t.registerMeter}</summary>
      <form className="grid" onSubmit={submit} aria-label={t.registerMeter}>
        {field("meter_id", t.meter)}
        {field("account_number", t.account)}
        <label>{t.role}
          <select name="role" value={values.role} onChange={(e) => setValues({ ...values, role: e.target.value })}>
            <option value="primary">primary</option><option value="check">check</option><option value="backup">backup</option>
          </select>
        </label>
        <label>{t.platform}
          <select name="platform" value={values.platform} onChange={(e) => setValues({ ...values, platform: e.target.value })}>
            {PLATFORMS.map((p) => <option key={p} value={p}>{p}</option>)}
          </select>
        </label>
        {problem && problem.fields.length === 0 && <p role="alert" className="error">{problem.message}</p>}
        <div><button type="submit">{t.register}</button></div>
      </form>
    </details>
  );
}
