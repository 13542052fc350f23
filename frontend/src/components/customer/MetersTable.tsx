import { useState } from "react";
import { patch } from "../../api/client";
import type { Account } from "../../api/types";
import { useSession } from "../../auth/session";
import { ErrorNote } from "../Notes";
import { errorText } from "../useLoad";

/** Each account's open meters with role badges; O&M may promote a meter to primary. */
export function MetersTable(props: { accounts: Account[]; onChanged(): void }) {
  const { t, path, can } = useSession();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  async function promote(meterId: string) {
    setError(null);
    setBusy(meterId);
    try {
      await patch(path("changeMeterRole", { meter_id: meterId }), { role: "primary" });
      props.onChanged();
    } catch (caught) {
      setError(errorText(caught));
    } finally {
      setBusy(null);
    }
  }

  const rows = props.accounts.flatMap((a) => a.meters.map((m) => ({ ...m, account: a.account_number })));
  return (
    <>
      <ErrorNote error={error} />
      <table className="meters">
        <thead><tr><th>{t.meter}</th><th>{t.role}</th><th>{t.platform}</th><th>{t.account}</th><th>{t.status}</th><th /></tr></thead>
        <tbody>
          {rows.map((m) => (
            <tr key={m.meter_id} data-testid={`meter-${m.meter_id}`}>
              <td>{m.meter_id}</td>
              <td><span className={`badge ${m.role ?? ""}`}>{m.role ?? t.unassigned}</span></td>
              <td>{m.platform}</td>
              <td>{m.account}</td>
              <td>{m.status}</td>
              <td>{can("meters.write") && m.role !== "primary" && m.status === "active" && (
                <button type="button" disabled={busy !== null} onClick={() => void promote(m.meter_id)}>{t.promote}</button>
              )}</td>
            </tr>
          ))}
          {rows.length === 0 && <tr><td colSpan={6}>{t.nothingYet}</td></tr>}
        </tbody>
      </table>
    </>
  );
}
