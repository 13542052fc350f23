import { useState } from "react";
import { get, post } from "../../api/client";
import type { WaitingPayment } from "../../api/types";
import { useSession } from "../../auth/session";
import { ErrorNote } from "../Notes";
import { errorText, useLoad } from "../useLoad";

/** Unmatched payments from the customer's phone, offered to the agent (never attached silently). */
export function WaitingPayments(props: { account: string; onAllocated(): void }) {
  const { t, path, can } = useSession();
  const [error, setError] = useState<string | null>(null);
  const waiting = useLoad(
    () => get<WaitingPayment[]>(path("waitingPayments", { account_number: props.account })),
    [path, props.account],
  );
  if (!waiting.data || waiting.data.length === 0) return null;

  async function allocate(messageId: number) {
    setError(null);
    try {
      await post(path("allocateSms", { message_id: messageId }), { account_number: props.account });
      await waiting.reload();
      props.onAllocated();
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  return (
    <div className="card waiting" data-testid="waiting-payments">
      <h2>{t.waitingPayments}</h2>
      <ErrorNote error={error ?? waiting.error} />
      <ul>
        {waiting.data.map((p) => (
          <li key={p.message_id}>
            <strong>{p.amount} {p.currency}</strong> · {p.payer_phone} · {p.reference}
            <div className="sms">{p.content}</div>
            {can("sms.allocate") && (
              <button type="button" onClick={() => void allocate(p.message_id)}>{t.allocateHere}</button>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
