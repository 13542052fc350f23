import { useState } from "react";
import type { FormEvent } from "react";
import { get, post } from "../api/client";
import type { InboxMessage, Page } from "../api/types";
import { useSession } from "../auth/session";
import { formatDateTime } from "../format";
import { ErrorNote } from "./Notes";
import { errorText, useLoad } from "./useLoad";

type Box = "unmatched" | "unparsed" | "parked" | "invalid";

/** Messages that did not become payments; unmatched and parked ones can be given an account;
 * invalid ones broke the gateway protocol's limits and are kept to be read. */
export function SmsInbox({ onAllocated }: { onAllocated(): void }) {
  const { t, path, config } = useSession();
  const [box, setBox] = useState<Box>("unmatched");
  const inbox = useLoad(() => get<Page<InboxMessage>>(path("inbox"), { outcome: box, page_size: 50 }), [path, box]);
  const labels: Record<Box, string> = { unmatched: t.unmatched, unparsed: t.unparsed, parked: t.parked, invalid: t.invalidSms };
  if (!config) return null;
  return (
    <div className="inbox">
      <div className="segmented" role="tablist">
        {(["unmatched", "unparsed", "parked", "invalid"] as const).map((b) => (
          <button key={b} type="button" role="tab" aria-selected={b === box} className={b === box ? "" : "secondary"}
            onClick={() => setBox(b)}>{labels[b]}{b === box && inbox.data ? ` (${inbox.data.total})` : ""}</button>
        ))}
      </div>
      <ErrorNote error={inbox.error} />
      <table>
        <thead><tr><th>{t.received}</th><th>{t.sender}</th><th>{t.message}</th><th>{t.reason}</th><th /></tr></thead>
        <tbody>
          {inbox.data?.items.map((m) => (
            <tr key={m.id} data-testid={`sms-${m.id}`}>
              <td>{formatDateTime(m.received_at, config.locale, config.timezone)}</td>
              <td>{m.sender}</td>
              <td className="sms">{m.content}</td>
              <td>{m.reason ?? "—"}</td>
              <td>{(box === "unmatched" || box === "parked") && (
                <AllocateForm message={m} onDone={() => { void inbox.reload(); onAllocated(); }} />
              )}</td>
            </tr>
          ))}
          {inbox.data?.items.length === 0 && <tr><td colSpan={5}>{t.nothingYet}</td></tr>}
        </tbody>
      </table>
    </div>
  );
}

function AllocateForm(props: { message: InboxMessage; onDone(): void }) {
  const { t, path, can } = useSession();
  const [account, setAccount] = useState("");
  const [error, setError] = useState<string | null>(null);
  if (!can("sms.allocate")) return null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      await post(path("allocateSms", { message_id: props.message.id }), { account_number: account.trim() });
      props.onDone();
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  return (
    <form className="inline" onSubmit={submit}>
      <input aria-label={`${t.account} (${props.message.id})`} placeholder={t.account} value={account}
        onChange={(e) => setAccount(e.target.value)} required minLength={4} maxLength={16} />
      <button type="submit">{t.allocate}</button>
      <ErrorNote error={error} />
    </form>
  );
}
