import { useState } from "react";
import type { FormEvent } from "react";
import { post } from "../api/client";
import type { Payment } from "../api/types";
import { useSession } from "../auth/session";
import { formatDateTime, formatMoney, formatNumber } from "../format";
import { ErrorNote } from "./Notes";
import { errorText } from "./useLoad";

/** Payments with their outcome and meter-credit status; finance may reverse a posted one. */
export function PaymentsTable(props: { payments: Payment[]; onChanged(): void; showAccount?: boolean }) {
  const { t, config, can } = useSession();
  const [reversing, setReversing] = useState<number | null>(null);
  if (!config) return null;
  const { locale, timezone } = config;
  const canReverse = can("payments.write");
  return (
    <table className="payments">
      <thead>
        <tr>
          <th>{t.paidAt}</th>{props.showAccount && <th>{t.account}</th>}<th>{t.amount}</th><th>{t.kwh}</th>
          <th>{t.provider}</th><th>{t.reference}</th><th>{t.outcome}</th><th>{t.meterCredit}</th>{canReverse && <th />}
        </tr>
      </thead>
      <tbody>
        {props.payments.map((p) => (
          <tr key={p.id} data-testid={`payment-${p.id}`}>
            <td>{formatDateTime(p.paid_at, locale, timezone)}</td>
            {props.showAccount && <td>{p.account_number}</td>}
            <td className="num">{formatMoney(p.amount, p.currency, locale)}</td>
            <td className="num">{formatNumber(p.kwh, locale, 2)}</td>
            <td>{p.provider}</td>
            <td className="ref">{p.reference}</td>
            <td><span className={`badge ${p.status}`}>{t.statusLabels[p.status] ?? p.status}</span></td>
            <td><span className={`badge ${p.credit_status}`}>{t.statusLabels[p.credit_status] ?? p.credit_status}</span></td>
            {canReverse && (
              <td>
                {p.status === "posted" && reversing !== p.id && (
                  <button type="button" className="secondary" onClick={() => setReversing(p.id)}>{t.reverse}</button>
                )}
                {reversing === p.id && (
                  <ReverseForm payment={p} onDone={() => { setReversing(null); props.onChanged(); }}
                    onCancel={() => setReversing(null)} />
                )}
              </td>
            )}
          </tr>
        ))}
        {props.payments.length === 0 && <tr><td colSpan={9}>{t.nothingYet}</td></tr>}
      </tbody>
    </table>
  );
}

function ReverseForm(props: { payment: Payment; onDone(): void; onCancel(): void }) {
  const { t, path } = useSession();
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    try {
      await post(path("reversePayment", { payment_id: props.payment.id }), { reason });
      props.onDone();
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  return (
    <form className="inline" onSubmit={submit}>
      <input aria-label={t.reversalReason} placeholder={t.reversalReason} value={reason}
        onChange={(e) => setReason(e.target.value)} required minLength={3} />
      <button type="submit">{t.confirmReversal}</button>
      <button type="button" className="secondary" onClick={props.onCancel}>{t.cancel}</button>
      <ErrorNote error={error} />
    </form>
  );
}
