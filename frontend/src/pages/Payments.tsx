import { useState } from "react";
import type { FormEvent } from "react";
import { ApiError, get, post } from "../api/client";
import type { Page, Payment } from "../api/types";
import { useSession } from "../auth/session";
import { ErrorNote } from "../components/Notes";
import { PaymentsTable } from "../components/PaymentsTable";
import { SmsInbox } from "../components/SmsInbox";
import { useLoad } from "../components/useLoad";

const POLL_MS = 5000;

export function Payments() {
  const { t, path, can } = useSession();
  const live = useLoad(() => get<Page<Payment>>(path("payments"), { page_size: 25 }), [path], POLL_MS);
  return (
    <section className="payments-page">
      <h1>{t.payments}</h1>
      {can("payments.write") && <ManualPaymentForm onRecorded={() => void live.reload()} />}
      <h2>{t.livePayments} <small className="live" title={t.liveHint}>● {t.liveHint}</small></h2>
      <ErrorNote error={live.error} />
      {live.data ? <PaymentsTable payments={live.data.items} showAccount onChanged={() => void live.reload()} /> : <p>{t.loading}</p>}
      <h2>{t.smsInbox}</h2>
      <SmsInbox onAllocated={() => void live.reload()} />
    </section>
  );
}

function ManualPaymentForm({ onRecorded }: { onRecorded(): void }) {
  const { t, path } = useSession();
  const empty = { account_number: "", amount: "", reference: "", note: "" };
  const [values, setValues] = useState(empty);
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  const fields: [keyof typeof empty, string, string][] = [
    ["account_number", t.account, "text"], ["amount", t.amount, "number"],
    ["reference", t.reference, "text"], ["note", t.note, "text"],
  ];

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    setSaved(false);
    const body = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ""));
    try {
      await post(path("recordPayment"), body);
      setValues(empty);
      setSaved(true);
      onRecorded();
    } catch (caught) {
      setProblem(caught instanceof ApiError ? caught : new ApiError(0, "error", String(caught)));
    }
  }

  return (
    <details className="card">
      <summary>{t.manualPayment}</summary>
      <form className="grid" onSubmit={submit} aria-label={t.manualPayment}>
        {fields.map(([name, label, type]) => (
          <label key={name}>
            {label}
            <input name={name} type={type} step="any" value={values[name]} aria-invalid={Boolean(problem?.messageFor(name))}
              required={name === "account_number" || name === "amount"}
              onChange={(e) => setValues({ ...values, [name]: e.target.value })} />
            {problem?.messageFor(name) && <span className="field-error">{problem.messageFor(name)}</span>}
          </label>
        ))}
        <div><button type="submit">{t.record}</button> {saved && <span role="status">{t.saved}</span>}</div>
        {problem && problem.fields.length === 0 && <p role="alert" className="error">{problem.message}</p>}
      </form>
    </details>
  );
}
