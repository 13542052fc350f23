import { useState } from "react";
import type { FormEvent } from "react";
import { ApiError, post } from "../../api/client";
import { useSession } from "../../auth/session";

const FIELDS = ["meter_id", "platform", "latitude", "longitude", "phase", "breaker_amps", "connection_point", "notes"] as const;
type Field = (typeof FIELDS)[number];

/** O&M's commissioning form: the primary meter, GPS, phase, breaker, pole and notes. */
export function CommissionForm(props: { account: string; onDone(): void }) {
  const { t, path } = useSession();
  const empty = Object.fromEntries(FIELDS.map((f) => [f, ""])) as Record<Field, string>;
  const [values, setValues] = useState({ ...empty, platform: "sparkmeter", phase: "single" });
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  function useGps() {
    navigator.geolocation?.getCurrentPosition((position) => {
      setValues((v) => ({
        ...v,
        latitude: position.coords.latitude.toFixed(6),
        longitude: position.coords.longitude.toFixed(6),
      }));
    });
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    setBusy(true);
    const body: Record<string, string | number> = {};
    for (const field of FIELDS) {
      const value = values[field].trim();
      if (value === "") continue;
      body[field] = field === "breaker_amps" && /^\d+$/.test(value) ? Number(value) : value;
    }
    try {
      await post(path("commission", { account_number: props.account }), body);
      setValues({ ...empty, platform: "sparkmeter", phase: "single" });
      props.onDone();
    } catch (caught) {
      if (caught instanceof ApiError) setProblem(caught);
      else throw caught;
    } finally {
      setBusy(false);
    }
  }

  const input = (field: Field, label: string, extra: Record<string, string> = {}) => (
    <label>
      {label}
      <input name={field} value={values[field]} {...extra}
        onChange={(e) => setValues({ ...values, [field]: e.target.value })}
        aria-invalid={Boolean(problem?.messageFor(field))} />
      {problem?.messageFor(field) && <span className="field-error">{problem.messageFor(field)}</span>}
    </label>
  );

  return (
    <form className="card grid" onSubmit={submit} aria-label={t.commissionTitle} data-testid="commission-form">
      <h2>{t.commissionTitle}</h2>
      {input("meter_id", t.meter)}
      <label>
        {t.platform}
        <select name="platform" value={values.platform} onChange={(e) => setValues({ ...values, platform: e.target.value })}>
          <option value="sparkmeter">SparkMeter</option>
          <option value="onemeter">1Meter</option>
          <option value="steamaco">Steama</option>
          <option value="legacy">Legacy</option>
        </select>
      </label>
      {input("latitude", t.latitude, { inputMode: "decimal" })}
      {input("longitude", t.longitude, { inputMode: "decimal" })}
      <div><button type="button" className="secondary" onClick={useGps}>{t.useGps}</button></div>
      <label>
        {t.phase}
        <select name="phase" value={values.phase} onChange={(e) => setValues({ ...values, phase: e.target.value })}>
          <option value="single">{t.singlePhase}</option>
          <option value="three">{t.threePhase}</option>
        </select>
      </label>
      {input("breaker_amps", t.breaker, { inputMode: "numeric" })}
      {input("connection_point", t.connectionPoint)}
      {input("notes", t.notes)}
      {problem && problem.fields.length === 0 && <p role="alert" className="error">{problem.message}</p>}
      <div><button type="submit" disabled={busy}>{t.commission}</button></div>
    </form>
  );
}
