import { useCallback, useEffect, useState } from "react";
import type { FormEvent } from "react";
import { useParams } from "react-router-dom";
import { ApiError, get, patch } from "../api/client";
import type { Customer, Meter, Page } from "../api/types";
import { useSession } from "../auth/session";

const EDITABLE = ["first_name", "last_name", "phone", "national_id"] as const;
type Editable = (typeof EDITABLE)[number];

export function CustomerDetail() {
  const { account = "" } = useParams();
  const { t, api } = useSession();
  const [customer, setCustomer] = useState<Customer | null>(null);
  const [meters, setMeters] = useState<Meter[]>([]);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    setCustomer(await get<Customer>(api(`/customers/${account}`)));
    setMeters((await get<Page<Meter>>(api("/meters"), { account_number: account })).items);
  }, [api, account]);

  useEffect(() => {
    load().catch((caught: unknown) => setError(String(caught)));
  }, [load]);

  async function promote(meterId: string) {
    setError(null);
    try {
      await patch(api(`/meters/${encodeURIComponent(meterId)}/role`), { role: "primary" });
      await load();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught));
    }
  }

  if (error && !customer) return <p role="alert" className="error">{error}</p>;
  if (!customer) return <p>{t.loading}</p>;
  return (
    <section>
      <h1>{customer.first_name} {customer.last_name} <small>{account}</small></h1>
      {error && <p role="alert" className="error">{error}</p>}
      <CustomerForm customer={customer} account={account} onSaved={setCustomer} />
      <h2>{t.meters}</h2>
      <table>
        <thead><tr><th>Meter</th><th>{t.role}</th><th>{t.platform}</th><th>{t.status}</th><th /></tr></thead>
        <tbody>
          {meters.map((m) => (
            <tr key={m.meter_id}>
              <td>{m.meter_id}</td>
              <td><span className={`badge ${m.role}`}>{m.role}</span></td>
              <td>{m.platform}</td>
              <td>{m.status}</td>
              <td>{m.role !== "primary" && m.status === "active" &&
                <button type="button" onClick={() => void promote(m.meter_id)}>{t.promote}</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function CustomerForm(props: { customer: Customer; account: string; onSaved(c: Customer): void }) {
  const { t, api } = useSession();
  const initial = Object.fromEntries(EDITABLE.map((f) => [f, props.customer[f] ?? ""])) as Record<Editable, string>;
  const [values, setValues] = useState(initial);
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  const labels: Record<Editable, string> = {
    first_name: t.firstName, last_name: t.lastName, phone: t.phone, national_id: t.nationalId,
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    setSaved(false);
    try {
      props.onSaved(await patch<Customer>(api(`/customers/${props.account}`), values));
      setSaved(true);
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
          <input name={field} value={values[field]}
            onChange={(e) => setValues({ ...values, [field]: e.target.value })}
            aria-invalid={Boolean(problem?.messageFor(field))} />
          {problem?.messageFor(field) && <span className="field-error">{problem.messageFor(field)}</span>}
        </label>
      ))}
      {problem && problem.fields.length === 0 && <p role="alert" className="error">{problem.message}</p>}
      <div><button type="submit">{t.save}</button> {saved && <span role="status">{t.saved}</span>}</div>
    </form>
  );
}
