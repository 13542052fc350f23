import { useState } from "react";
import type { FormEvent } from "react";
import { Link } from "react-router-dom";
import { ApiError, get, post } from "../api/client";
import type { CustomerDetail, DuplicateMatch, Site } from "../api/types";
import { useSession } from "../auth/session";
import { ErrorNote } from "../components/Notes";
import { useLoad } from "../components/useLoad";

type Step = "person" | "place" | "confirm" | "done";
const STEPS: Step[] = ["person", "place", "confirm"];

interface Draft {
  first_name: string;
  last_name: string;
  gender: string;
  phone: string;
  second_phone: string;
  national_id: string;
  category: string;
  site_code: string;
  village: string;
  plot_number: string;
  latitude: string;
  longitude: string;
  rooms: string;
  appliances: string;
}

const EMPTY: Draft = {
  first_name: "", last_name: "", gender: "", phone: "", second_phone: "", national_id: "",
  category: "household", site_code: "", village: "", plot_number: "", latitude: "", longitude: "",
  rooms: "", appliances: "",
};
const PERSON_FIELDS = ["first_name", "last_name", "gender", "phone", "second_phone", "national_id", "category"];

/** What the API takes: blanks left out, numbers as numbers. */
function payload(draft: Draft): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(draft)) {
    if (value.trim() === "") continue;
    body[key] = ["latitude", "longitude", "rooms", "appliances"].includes(key) ? Number(value) : value.trim();
  }
  return body;
}

/** Registration on a phone: person → place → confirm (with duplicate warnings) → account number. */
export function NewCustomer() {
  const { t, path, config, can } = useSession();
  const sites = useLoad(() => get<Site[]>(path("sites"), { active_only: "true" }), [path]);
  const [step, setStep] = useState<Step>("person");
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [matches, setMatches] = useState<DuplicateMatch[] | null>(null);
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [locating, setLocating] = useState(false);
  const [saved, setSaved] = useState<CustomerDetail | null>(null);
  if (!can("customers.write")) return <p>{t.notAllowed}</p>;
  const extra = config?.registration?.extra_fields ?? [];
  const bounds = config?.registration?.bounds ?? null;

  const set = (key: keyof Draft) => (event: { target: { value: string } }) =>
    setDraft((current) => ({ ...current, [key]: event.target.value }));
  const fieldError = (name: string) => {
    const message = problem?.messageFor(name);
    return message ? <span className="field-error">{message}</span> : null;
  };

  async function toConfirm() {
    setBusy(true);
    setMatches(null);
    try {
      const answer = await post<{ matches: DuplicateMatch[] }>(path("duplicates"), payload(draft));
      setMatches(answer.matches);
    } catch {
      setMatches([]); // the check helps; it never blocks a registration
    } finally {
      setBusy(false);
    }
    setStep("confirm");
  }

  function next(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    if (step === "person") setStep("place");
    else if (step === "place") void toConfirm();
  }

  async function save() {
    setBusy(true);
    setProblem(null);
    try {
      const customer = await post<CustomerDetail>(path("createCustomer"), payload(draft));
      setSaved(customer);
      setStep("done");
    } catch (caught) {
      const error = caught instanceof ApiError ? caught : new ApiError(0, "error", String(caught));
      setProblem(error);
      const onPerson = error.fields.some((f) => PERSON_FIELDS.some((name) => f.field.endsWith(name)));
      if (error.fields.length) setStep(onPerson ? "person" : "place");
    } finally {
      setBusy(false);
    }
  }

  function locate() {
    if (!navigator.geolocation) return;
    setLocating(true);
    navigator.geolocation.getCurrentPosition(
      (position) => {
        setDraft((current) => ({
          ...current,
          latitude: position.coords.latitude.toFixed(6),
          longitude: position.coords.longitude.toFixed(6),
        }));
        setLocating(false);
      },
      () => setLocating(false),
      { enableHighAccuracy: true, timeout: 15_000 },
    );
  }

  function again() {
    setDraft((current) => ({ ...EMPTY, site_code: current.site_code, village: current.village }));
    setSaved(null);
    setMatches(null);
    setProblem(null);
    setStep("person");
  }

  const siteName = (code: string) => sites.data?.find((s) => s.code === code)?.name ?? code;
  const labels: Record<Step, string> = { person: t.stepPerson, place: t.stepPlace, confirm: t.stepConfirm, done: t.registered };

  return (
    <section className="wizard">
      <h1>{t.newCustomer}</h1>
      {step !== "done" && (
        <ol className="steps" aria-label={t.newCustomer}>
          {STEPS.map((name, index) => (
            <li key={name} className={name === step ? "current" : STEPS.indexOf(step) > index ? "past" : ""}
              aria-current={name === step ? "step" : undefined}>
              <span>{index + 1}</span> {labels[name]}
            </li>
          ))}
        </ol>
      )}
      <ErrorNote error={sites.error} />
      {step === "person" && (
        <form className="card stack" onSubmit={next} aria-label={t.stepPerson}>
          <label>{t.firstName} *
            <input name="first_name" required autoComplete="off" value={draft.first_name} onChange={set("first_name")} />
            {fieldError("first_name")}
          </label>
          <label>{t.lastName}
            <input name="last_name" autoComplete="off" value={draft.last_name} onChange={set("last_name")} />
            {fieldError("last_name")}
          </label>
          <label>{t.gender}
            <select name="gender" value={draft.gender} onChange={set("gender")}>
              <option value="">—</option>
              {Object.entries(t.genders).map(([value, label]) => <option key={value} value={value}>{label}</option>)}
            </select>
          </label>
          <label>{t.phone}
            <input name="phone" type="tel" inputMode="tel" value={draft.phone} onChange={set("phone")} />
            {fieldError("phone")}
          </label>
          <label>{t.secondPhone}
            <input name="second_phone" type="tel" inputMode="tel" value={draft.second_phone} onChange={set("second_phone")} />
            {fieldError("second_phone")}
          </label>
          <label>{t.nationalId}
            <input name="national_id" autoComplete="off" value={draft.national_id} onChange={set("national_id")} />
            {fieldError("national_id")}
          </label>
          <label>{t.category}
            <select name="category" value={draft.category} onChange={set("category")}>
              {Object.entries(t.categories).map(([value, label]) => <option key={value} value={value}>{label}</option>)}
            </select>
          </label>
          <div className="actions"><button type="submit">{t.continue}</button></div>
        </form>
      )}
      {step === "place" && (
        <form className="card stack" onSubmit={next} aria-label={t.stepPlace}>
          <label>{t.site} *
            <select name="site_code" required value={draft.site_code} onChange={set("site_code")}>
              <option value="">{t.chooseSite}</option>
              {sites.data?.map((s) => (
                <option key={s.code} value={s.code}>{s.code} · {s.name}{s.alt_names?.length ? ` (${s.alt_names.join(", ")})` : ""}</option>
              ))}
            </select>
            {fieldError("site_code")}
          </label>
          <label>{t.village}
            <input name="village" value={draft.village} onChange={set("village")} />
            {fieldError("village")}
          </label>
          <label>{t.plotNumber}
            <input name="plot_number" value={draft.plot_number} onChange={set("plot_number")} />
          </label>
          <div className="pair">
            <label>{t.latitude}
              <input name="latitude" inputMode="decimal" value={draft.latitude} onChange={set("latitude")}
                placeholder={bounds ? `${bounds.min_latitude} … ${bounds.max_latitude}` : undefined} />
              {fieldError("latitude")}
            </label>
            <label>{t.longitude}
              <input name="longitude" inputMode="decimal" value={draft.longitude} onChange={set("longitude")}
                placeholder={bounds ? `${bounds.min_longitude} … ${bounds.max_longitude}` : undefined} />
              {fieldError("longitude")}
            </label>
          </div>
          <button type="button" className="secondary" onClick={locate} disabled={locating}>
            {locating ? t.locating : t.useMyLocation}
          </button>
          {extra.length > 0 && (
            <div className="pair">
              {extra.includes("rooms") && (
                <label>{t.rooms}
                  <input name="rooms" type="number" min="0" inputMode="numeric" value={draft.rooms} onChange={set("rooms")} />
                  {fieldError("rooms")}
                </label>
              )}
              {extra.includes("appliances") && (
                <label>{t.appliances}
                  <input name="appliances" type="number" min="0" inputMode="numeric" value={draft.appliances} onChange={set("appliances")} />
                  {fieldError("appliances")}
                </label>
              )}
            </div>
          )}
          <div className="actions">
            <button type="button" className="secondary" onClick={() => setStep("person")}>{t.back}</button>
            <button type="submit" disabled={busy}>{busy ? t.checking : t.continue}</button>
          </div>
        </form>
      )}
      {step === "confirm" && (
        <div className="card stack" aria-label={t.stepConfirm}>
          <dl className="summary">
            <dt>{t.name}</dt><dd>{draft.first_name} {draft.last_name}</dd>
            {draft.gender && <><dt>{t.gender}</dt><dd>{t.genders[draft.gender]}</dd></>}
            <dt>{t.phone}</dt><dd>{draft.phone || "—"}{draft.second_phone ? ` · ${draft.second_phone}` : ""}</dd>
            {draft.national_id && <><dt>{t.nationalId}</dt><dd>{draft.national_id}</dd></>}
            <dt>{t.category}</dt><dd>{t.categories[draft.category]}</dd>
            <dt>{t.site}</dt><dd>{draft.site_code} · {siteName(draft.site_code)}</dd>
            {draft.village && <><dt>{t.village}</dt><dd>{draft.village}{draft.plot_number ? ` · ${draft.plot_number}` : ""}</dd></>}
            {draft.latitude && <><dt>GPS</dt><dd>{draft.latitude}, {draft.longitude}</dd></>}
            {draft.rooms && <><dt>{t.rooms}</dt><dd>{draft.rooms}</dd></>}
            {draft.appliances && <><dt>{t.appliances}</dt><dd>{draft.appliances}</dd></>}
          </dl>
          {matches && matches.length > 0 ? (
            <div className="duplicates" role="alert" data-testid="duplicates">
              <strong>{t.possibleDuplicates}</strong>
              <ul>
                {matches.map((m) => (
                  <li key={m.customer_id}>
                    {m.account_number ? <Link to={`/customers/${m.account_number}`}>{m.account_number}</Link> : `#${m.customer_id}`}{" "}
                    {m.first_name} {m.last_name} · {m.site_code} · {t.duplicateReasons[m.reason]}
                  </li>
                ))}
              </ul>
            </div>
          ) : (
            matches && <p className="ok">{t.noDuplicates}</p>
          )}
          {problem && problem.fields.length === 0 && <p role="alert" className="error">{problem.message}</p>}
          <div className="actions">
            <button type="button" className="secondary" onClick={() => setStep("place")}>{t.back}</button>
            <button type="button" onClick={() => void save()} disabled={busy}>
              {matches && matches.length > 0 ? t.registerAnyway : t.register}
            </button>
          </div>
        </div>
      )}
      {step === "done" && saved && (
        <div className="card stack done" role="status">
          <span>{t.registered}: {saved.first_name} {saved.last_name}</span>
          <span>{t.accountNumberGiven}</span>
          <strong className="account-number" data-testid="new-account-number">{saved.account_number}</strong>
          <div className="actions">
            <Link to={`/customers/${saved.account_number ?? ""}`}>{t.openCustomer}</Link>
            <button type="button" onClick={again}>{t.registerAnother}</button>
          </div>
        </div>
      )}
    </section>
  );
}
