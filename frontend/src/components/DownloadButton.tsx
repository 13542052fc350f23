import { useState } from "react";
import { download } from "../api/client";
import { useSession } from "../auth/session";
import { errorText } from "./useLoad";
import { ErrorNote } from "./Notes";

type Query = Record<string, string | number | undefined>;

/** A file download that shows a spinner while the server builds it, then a progress bar. */
export function DownloadButton(props: { label: string; href: string; query?: Query; testId?: string }) {
  const { t } = useSession();
  const [progress, setProgress] = useState<number | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const busy = progress !== undefined;

  async function start() {
    setError(null);
    setProgress(null);
    try {
      const file = await download(props.href, props.query, setProgress);
      const url = URL.createObjectURL(file.blob);
      const link = document.createElement("a");
      link.href = url;
      link.download = file.filename;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (caught) {
      setError(errorText(caught));
    } finally {
      setProgress(undefined);
    }
  }

  return (
    <div className="download">
      <button type="button" onClick={() => void start()} disabled={busy} data-testid={props.testId}>
        {busy ? <span className="spinner" aria-hidden="true" /> : "⬇"} {props.label}
      </button>
      {busy && (
        <span className="progress" role="progressbar" aria-label={t.downloading}
          aria-valuenow={progress === null ? undefined : Math.round(progress * 100)}>
          {progress === null ? t.preparing : <progress max={1} value={progress} />}
        </span>
      )}
      <ErrorNote error={error} />
    </div>
  );
}
