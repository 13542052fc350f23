import { useState } from "react";
import { post } from "../api/client";
import type { OutboundMessage } from "../api/types";
import { useSession } from "../auth/session";
import { formatDateTime } from "../format";
import { ErrorNote } from "./Notes";
import { errorText } from "./useLoad";

/** Outbound messages, newest first; a failed one can be retried by staff who may allocate SMS. */
export function MessagesTable(props: { messages: OutboundMessage[]; showAccount?: boolean; onChanged(): void }) {
  const { t, path, config, can } = useSession();
  const [error, setError] = useState<string | null>(null);
  if (!config) return null;

  async function retry(message: OutboundMessage) {
    setError(null);
    try {
      await post(path("retryMessage", { message_id: message.id }), {});
      props.onChanged();
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  return (
    <>
      <ErrorNote error={error} />
      <table className="messages">
        <thead>
          <tr>
            <th>{t.queuedAt}</th><th>{t.recipient}</th>{props.showAccount && <th>{t.account}</th>}
            <th>{t.kind}</th><th>{t.status}</th><th>{t.message}</th><th>{t.attempts}</th><th />
          </tr>
        </thead>
        <tbody>
          {props.messages.map((m) => (
            <tr key={m.id} data-testid={`message-${m.id}`}>
              <td data-label={t.queuedAt}>{formatDateTime(m.created_at, config.locale, config.timezone)}</td>
              <td data-label={t.recipient}>{m.to}</td>
              {props.showAccount && <td data-label={t.account}>{m.account_number ?? "—"}</td>}
              <td data-label={t.kind}>{t.messageKinds[m.kind] ?? m.kind}</td>
              <td data-label={t.status} className={`status-${m.status}`}>
                {t.messageStatuses[m.status] ?? m.status}
                {m.reason && <small className="reason"> · {m.reason}</small>}
              </td>
              <td data-label={t.message} className="sms">{m.content}</td>
              <td data-label={t.attempts}>{m.attempts}</td>
              <td className="actions">{m.status === "failed" && can("sms.allocate") && (
                <button type="button" className="secondary" onClick={() => void retry(m)}>{t.retry}</button>
              )}</td>
            </tr>
          ))}
          {props.messages.length === 0 && <tr><td colSpan={props.showAccount ? 8 : 7}>{t.nothingYet}</td></tr>}
        </tbody>
      </table>
    </>
  );
}
