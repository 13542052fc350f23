import { Link, useSearchParams } from "react-router-dom";
import { get } from "../api/client";
import type { Pipeline as PipelineData, PipelineAccounts } from "../api/types";
import { useSession } from "../auth/session";
import { ErrorNote } from "../components/Notes";
import { useLoad } from "../components/useLoad";
import { formatDate } from "../format";

/** Per site: how many accounts sit at each onboarding step and for how long; each count
 * opens the list of those accounts (the funnel O&M plans trips with). */
export function Pipeline() {
  const { t, path, config } = useSession();
  const [params, setParams] = useSearchParams();
  const site = params.get("site") ?? config?.sites[0]?.code ?? "";
  const stage = params.get("stage");
  const funnel = useLoad(
    () => (site ? get<PipelineData>(path("pipeline"), { site }) : Promise.resolve(null)),
    [path, site],
  );
  const list = useLoad(
    () => (site && stage ? get<PipelineAccounts>(path("pipelineAccounts"), { site, stage }) : Promise.resolve(null)),
    [path, site, stage],
  );
  const label = (name: string) => t.stepLabels[name] ?? name;
  if (!config) return <p>{t.loading}</p>;
  return (
    <section className="pipeline">
      <h1>{t.pipeline}</h1>
      <div className="filters">
        <label>
          {t.site}
          <select name="site" value={site} onChange={(e) => setParams({ site: e.target.value })}>
            {config.sites.map((s) => <option key={s.code} value={s.code}>{s.name} ({s.code})</option>)}
          </select>
        </label>
      </div>
      <ErrorNote error={funnel.error} />
      {funnel.data && (
        <table className="funnel" data-testid="funnel">
          <thead><tr><th>{t.stage}</th><th className="num">{t.stepCount}</th><th className="num">{t.longestDays}</th><th className="num">{t.medianDays}</th></tr></thead>
          <tbody>
            {funnel.data.stages.map((s) => (
              <tr key={s.stage} className={s.stage === stage ? "selected" : undefined}>
                <td>{label(s.stage)}</td>
                <td className="num">
                  {s.count > 0
                    ? <Link to={`/pipeline?site=${site}&stage=${s.stage}`} data-testid={`count-${s.stage}`}>{s.count}</Link>
                    : <span data-testid={`count-${s.stage}`}>0</span>}
                </td>
                <td className="num">{s.longest_days ?? "—"}</td>
                <td className="num">{s.median_days ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {stage && (
        <>
          <h2>{label(stage)} · {site}</h2>
          <ErrorNote error={list.error} />
          {list.data && (
            <table className="stage-accounts" data-testid="stage-accounts">
              <thead><tr><th>{t.account}</th><th>{t.name}</th><th>{t.phone}</th><th>{t.since}</th><th className="num">{t.days}</th></tr></thead>
              <tbody>
                {list.data.items.map((a) => (
                  <tr key={a.account_number}>
                    <td><Link to={`/customers/${a.account_number}`}>{a.account_number}</Link></td>
                    <td>{a.name}</td>
                    <td>{a.phone ?? ""}</td>
                    <td>{formatDate(a.since, config.locale, config.timezone)}</td>
                    <td className="num">{a.days}</td>
                  </tr>
                ))}
                {list.data.items.length === 0 && <tr><td colSpan={5}>{t.nothingYet}</td></tr>}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
