import { useState } from "react";
import type { FormEvent } from "react";
import { ApiError, get, patch, post } from "../api/client";
import type { Site } from "../api/types";
import { useSession } from "../auth/session";
import { ErrorNote } from "../components/Notes";
import { useLoad } from "../components/useLoad";

const PLATFORMS = ["koios", "thundercloud", "onemeter"];
const names = (text: string) => text.split(",").map((n) => n.trim()).filter(Boolean);

/** Sites of this country: searchable by any spelling; superadmins add and edit them. */
export function Sites() {
  const { t, path, can } = useSession();
  const [q, setQ] = useState("");
  const sites = useLoad(() => get<Site[]>(path("sites"), { q }), [path, q]);
  const [editing, setEditing] = useState<string | null>(null);
  const writer = can("sites.write");
  return (
    <section className="sites">
      <h1>{t.sites}</h1>
      <div className="filters">
        <input type="search" placeholder={t.searchSites} aria-label={t.searchSites} value={q} onChange={(e) => setQ(e.target.value)} />
      </div>
      <ErrorNote error={sites.error} />
      {writer && <SiteForm onSaved={() => void sites.reload()} />}
      <div className="scroll">
        <table className="site-list">
          <thead><tr><th>{t.siteCode}</th><th>{t.siteName}</th><th>{t.altNames}</th><th>{t.district}</th><th>{t.platform}</th><th>{t.status}</th>{writer && <th />}</tr></thead>
          <tbody>
            {sites.data?.map((site) => editing === site.code ? (
              <SiteRow key={site.code} site={site} onDone={() => { setEditing(null); void sites.reload(); }} />
            ) : (
              <tr key={site.code} data-testid={`site-${site.code}`}>
                <td><strong>{site.code}</strong></td>
                <td>{site.name}</td>
                <td>{site.alt_names?.join(", ")}</td>
                <td>{site.district ?? ""}</td>
                <td>{site.meter_platform}</td>
                <td><span className={`badge ${site.active ? "primary" : ""}`}>{site.active ? t.active : t.inactive}</span></td>
                {writer && <td><button type="button" className="secondary" onClick={() => setEditing(site.code)}>{t.edit}</button></td>}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function SiteRow({ site, onDone }: { site: Site; onDone(): void }) {
  const { t, path } = useSession();
  const [name, setName] = useState(site.name);
  const [alt, setAlt] = useState((site.alt_names ?? []).join(", "));
  const [district, setDistrict] = useState(site.district ?? "");
  const [platform, setPlatform] = useState(site.meter_platform);
  const [active, setActive] = useState(site.active ?? true);
  const [problem, setProblem] = useState<string | null>(null);
  async function save() {
    try {
      await patch(path("updateSite", { code: site.code }), {
        name, alt_names: names(alt), district: district || null, meter_platform: platform, active,
      });
      onDone();
    } catch (caught) {
      setProblem(caught instanceof Error ? caught.message : String(caught));
    }
  }
  return (
    <tr data-testid={`site-${site.code}`}>
      <td><strong>{site.code}</strong></td>
      <td><input aria-label={t.siteName} value={name} onChange={(e) => setName(e.target.value)} /></td>
      <td><input aria-label={t.altNames} value={alt} onChange={(e) => setAlt(e.target.value)} /></td>
      <td><input aria-label={t.district} value={district} onChange={(e) => setDistrict(e.target.value)} /></td>
      <td><select aria-label={t.platform} value={platform} onChange={(e) => setPlatform(e.target.value)}>
        {PLATFORMS.map((p) => <option key={p}>{p}</option>)}
      </select></td>
      <td><label className="check"><input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} />{t.active}</label></td>
      <td>
        <button type="button" onClick={() => void save()}>{t.save}</button>{" "}
        <button type="button" className="secondary" onClick={onDone}>{t.cancel}</button>
        <ErrorNote error={problem} />
      </td>
    </tr>
  );
}

function SiteForm({ onSaved }: { onSaved(): void }) {
  const { t, path } = useSession();
  const [code, setCode] = useState("");
  const [name, setName] = useState("");
  const [district, setDistrict] = useState("");
  const [alt, setAlt] = useState("");
  const [platform, setPlatform] = useState("koios");
  const [problem, setProblem] = useState<ApiError | null>(null);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    try {
      await post(path("createSite"), {
        code, name, meter_platform: platform, district: district || undefined, alt_names: names(alt),
      });
      setCode(""); setName(""); setDistrict(""); setAlt("");
      onSaved();
    } catch (caught) {
      setProblem(caught instanceof ApiError ? caught : new ApiError(0, "error", String(caught)));
    }
  }
  const fieldError = (field: string) => problem?.messageFor(field) && <span className="field-error">{problem.messageFor(field)}</span>;
  return (
    <details className="card">
      <summary>{t.addSite}</summary>
      <form className="grid" onSubmit={submit} aria-label={t.addSite}>
        <label>{t.siteCode}<input name="code" required maxLength={3} value={code} onChange={(e) => setCode(e.target.value.toUpperCase())} />{fieldError("code")}</label>
        <label>{t.siteName}<input name="name" required value={name} onChange={(e) => setName(e.target.value)} />{fieldError("name")}</label>
        <label>{t.district}<input name="district" value={district} onChange={(e) => setDistrict(e.target.value)} /></label>
        <label>{t.altNames} ({t.commaSeparated})<input name="alt_names" value={alt} onChange={(e) => setAlt(e.target.value)} /></label>
        <label>{t.platform}<select name="meter_platform" value={platform} onChange={(e) => setPlatform(e.target.value)}>
          {PLATFORMS.map((p) => <option key={p}>{p}</option>)}
        </select>{fieldError("meter_platform")}</label>
        <div><button type="submit">{t.addSite}</button></div>
        {problem && problem.fields.length === 0 && <p role="alert" className="error">{problem.message}</p>}
      </form>
    </details>
  );
}
