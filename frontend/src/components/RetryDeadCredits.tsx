import { useState } from "react";
import { post } from "../api/client";
import { useSession } from "../auth/session";
import { errorText } from "./useLoad";

/** Finance and superadmins queue given-up meter credits again, after confirming the count. */
export function RetryDeadCredits({ dead, onDone }: { dead: number; onDone: () => void }) {
  const { t, path, can } = useSession();
  const [asking, setAsking] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  if (!can("payments.write") || (dead === 0 && !note)) return null;

  async function retry() {
    setAsking(false);
    try {
      const answer = await post<{ revived: number }>(path("retryCredits"), {});
      setNote(t.retryDeadDone(answer.revived));
      onDone();
    } catch (caught) {
      setNote(errorText(caught));
    }
  }

  return (
    <div className="retry-dead" data-testid="retry-dead">
      {note && <p role="status">{note}</p>}
      {dead > 0 && !asking && (
        <button type="button" onClick={() => setAsking(true)}>
          {t.retryDeadCredits}
        </button>
      )}
      {asking && (
        <div role="alertdialog" aria-label={t.retryDeadCredits}>
          <p>{t.retryDeadConfirm(dead)}</p>
          <button type="button" onClick={() => void retry()}>{t.confirm}</button>
          <button type="button" onClick={() => setAsking(false)}>{t.cancel}</button>
        </div>
      )}
    </div>
  );
}
