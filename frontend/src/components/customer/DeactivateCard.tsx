import { useState } from "react";
import { post } from "../../api/client";
import { useSession } from "../../auth/session";
import { ErrorNote } from "../Notes";
import { errorText } from "../useLoad";

/** Deactivation asks what happens to the meters, then closes the account (history stays). */
export function DeactivateCard(props: { account: string; onDone(): void }) {
  const { t, path } = useSession();
  const [meters, setMeters] = useState<"decommission" | "keep" | "">("");
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);

  async function deactivate() {
    setError(null);
    try {
      await post(path("deactivateCustomer", { account_number: props.account }), { meters, reason: reason || null });
      props.onDone();
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  return (
    <details className="card deactivate" data-testid="deactivate">
      <summary>{t.deactivate}</summary>
      <p>{t.deactivateHelp}</p>
      <label className="choice"><input type="radio" name="meters" value="decommission" checked={meters === "decommission"}
        onChange={() => setMeters("decommission")} /> {t.metersDecommission}</label>
      <label className="choice"><input type="radio" name="meters" value="keep" checked={meters === "keep"}
        onChange={() => setMeters("keep")} /> {t.metersKeep}</label>
      <label>{t.notes}<input name="reason" value={reason} onChange={(e) => setReason(e.target.value)} /></label>
      <ErrorNote error={error} />
      <button type="button" className="danger" disabled={meters === ""} onClick={() => void deactivate()}>{t.deactivate}</button>
    </details>
  );
}
