import { useState } from "react";
import { ApiError, upload } from "../api/client";
import type { ImportReport } from "../api/types";
import { useSession } from "../auth/session";
import { DownloadButton } from "../components/DownloadButton";

/** Bulk registration: the template, a dry run with a row-by-row report, then the import. */
export function ImportCustomers() {
  const { t, path, can } = useSession();
  const [file, setFile] = useState<File | null>(null);
  const [partial, setPartial] = useState(false);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  if (!can("customers.write")) return <p>{t.notAllowed}</p>;

  async function send(dryRun: boolean) {
    if (!file) return;
    setBusy(true);
    setProblem(null);
    try {
      setReport(await upload<ImportReport>(path("importCustomers"), file, {
        dry_run: String(dryRun), partial: String(partial),
      }));
    } catch (caught) {
      setReport(null);
      setProblem(caught instanceof ApiError ? caught : new ApiError(0, "error", String(caught)));
    } finally {
      setBusy(false);
    }
  }

  const refused = report && !report.dry_run && report.created === 0 && report.errors.length > 0 && !report.partial;
  return (
    <section className="import">
      <h1>{t.importCustomers}</h1>
      <div className="card stack">
        <div className="actions wrap">
          <DownloadButton label={t.downloadTemplate} href={path("importTemplate")} query={{ format: "xlsx" }} testId="template-xlsx" />
          <DownloadButton label={t.templateCsv} href={path("importTemplate")} query={{ format: "csv" }} testId="template-csv" />
        </div>
        <label>{t.chooseFile}
          <input name="file" type="file" accept=".xlsx,.csv,text/csv"
            onChange={(e) => { setFile(e.target.files?.[0] ?? null); setReport(null); setProblem(null); }} />
        </label>
        <label className="check">
          <input type="checkbox" checked={partial} onChange={(e) => setPartial(e.target.checked)} />
          {t.importValidOnly}
        </label>
        <div className="actions wrap">
          <button type="button" className="secondary" disabled={!file || busy} onClick={() => void send(true)}>{t.dryRun}</button>
          <button type="button" disabled={!file || busy} onClick={() => void send(false)}>{t.importNow}</button>
        </div>
        {problem && (
          <p role="alert" className="error">
            {problem.message}
          </p>
        )}
      </div>
      {report && (
        <div className="card stack" data-testid="import-report">
          <div className="tiles">
            <div className="tile"><span>{t.rowsRead}</span><strong data-testid="rows-read">{report.rows}</strong></div>
            <div className="tile"><span>{t.rowsValid}</span><strong data-testid="rows-valid">{report.valid}</strong></div>
            <div className="tile"><span>{t.rowsCreated}</span><strong data-testid="rows-created">{report.created}</strong></div>
            <div className="tile"><span>{t.rowsSkipped}</span><strong>{report.skipped}</strong></div>
          </div>
          {refused && <p role="alert" className="error">{t.allOrNothing}</p>}
          {!report.dry_run && report.created > 0 && <p role="status" className="ok">{t.importDone(report.created)}</p>}
          {report.dry_run && report.errors.length === 0 && <p className="ok">{t.fileOk}</p>}
          {report.errors.length > 0 && <ProblemTable title={t.problems} rows={report.errors} testId="import-errors" />}
          {report.warnings.length > 0 && <ProblemTable title={t.warnings} rows={report.warnings} testId="import-warnings" />}
          {report.accounts.length > 0 && (
            <details>
              <summary>{t.accounts} ({report.accounts.length})</summary>
              <ul className="accounts">
                {report.accounts.slice(0, 500).map((a) => <li key={a.row}>{t.row} {a.row}: {a.account_number}</li>)}
              </ul>
            </details>
          )}
        </div>
      )}
    </section>
  );
}

function ProblemTable(props: { title: string; rows: ImportReport["errors"]; testId: string }) {
  const { t } = useSession();
  return (
    <>
      <h2>{props.title} ({props.rows.length})</h2>
      <div className="scroll">
        <table data-testid={props.testId}>
          <thead><tr><th className="num">{t.row}</th><th>{t.field}</th><th>{t.message}</th></tr></thead>
          <tbody>
            {props.rows.slice(0, 1000).map((p, index) => (
              <tr key={`${p.row}-${p.field}-${index}`}><td className="num">{p.row}</td><td>{p.field}</td><td>{p.message}</td></tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
