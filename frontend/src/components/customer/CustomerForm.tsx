import { useState } from "react";
import type { FormEvent } from "react";
import { ApiError, patch } from "../../api/client";
import type { CustomerDetail } from "../../api/types";
import { useSession } from "../../auth/session";

const EDITABLE = [
  "first_name", "last_name", "phone", "second_phone", "national_id", "village", "plot_number", "language",
] as const;
type Editable = (typeof EDITABLE)[number];

/** The customer's details; editable by roles that may write customers, errors shown per field. */
export function CustomerForm(props: { customer: CustomerDetail; account: string; onSaved(): void }) {
  const { t, path, can, config, language: uiLanguage } = useSession();
  const initial = Object.fromEntries(EDITABLE.map((f) => [f, props.customer[f] ?? ""])) as Record<Editable, string>;
  const [values, setValues] = useState(initial);
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  const editable = can("customers.write");
  const labels: Record<Editable, string> = {
    first_name: t.firstName, last_name: t.lastName, phone: t.phone, second_phone: t.secondPhone,
    national_id: t.nationalId, village: t.village, plot_number: t.plotNumber, language: t.messageLanguage,
  };
  const languages = [...new Set((config?.locales ?? []).map((locale) => locale.split("_")[0] ?? locale))];
  const languageName = (code: string) => new Intl.DisplayNames([uiLanguage], { type: "language" }).of(code) ?? code;
  const { category, gender, latitude, longitude } = props.customer;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    setSaved(false);
    const changed = Object.fromEntries(
      EDITABLE.filter((f) => values[f] !== initial[f]).map((f) => [f, values[f] === "" && f !== "last_name" ? null : values[f]]),
    );
    try {
      await patch(path("updateCustomer", { account_number: props.account }), changed);
      setSaved(true);
      props.onSaved();
    } catch (caught) {
      if (caught instanceof ApiError) setProblem(caught);
      else throw caught;
    }
  }

  return (
    <form className="card grid" onSubmit={submit} aria-label={t.details}>
      {EDITABLE.map((field) => (
        <label key={field}>
          {labels[field]}
          {field === "language" ? (
            <select name={field} value={values[field]} disabled={!editable}
              onChange={(e) => setValues({ ...values, [field]: e.target.value })}>
              <option value="">{t.allCountryLanguages}</option>
              {languages.map((code) => <option key={code} value={code}>{languageName(code)}</option>)}
            </select>
          ) : (
            <input name={field} value={values[field]} readOnly={!editable}
              onChange={(e) => setValues({ ...values, [field]: e.target.value })}
              aria-invalid={Boolean(problem?.messageFor(field))} />
          )}
          {problem?.messageFor(field) && <span className="field-error">{problem.messageFor(field)}</span>}
        </label>
      ))}
      <label>{t.site}<input value={props.customer.site_code} readOnly /></label>
      <label>{t.customerType}<input value={props.customer.customer_type} readOnly /></label>
      <label>{t.category}<input value={category ? t.categories[category] ?? category : ""} readOnly /></label>
      <label>{t.gender}<input value={gender ? t.genders[gender] ?? gender : ""} readOnly /></label>
      <label>GPS<input value={latitude != null && longitude != null ? `${latitude}, ${longitude}` : ""} readOnly /></label>
      {problem && problem.fields.length === 0 && <p role="alert" className="error">{problem.message}</p>}
      {editable && <div><button type="submit">{t.save}</button> {saved && <span role="status">{t.saved}</span>}</div>}
    </form>
  );
}
