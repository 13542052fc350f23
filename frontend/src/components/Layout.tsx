import { NavLink, Outlet } from "react-router-dom";
import { get } from "../api/client";
import { gatewayPath } from "../api/endpoints";
import type { CountrySummary } from "../api/types";
import { useSession } from "../auth/session";
import type { Language } from "../i18n";
import { useLoad } from "./useLoad";

export function Layout() {
  const { me, config, t, language, setLanguage, switchCountry, logout, can } = useSession();
  const countries = useLoad(() => get<CountrySummary[]>(gatewayPath("countries")), []);
  if (!me) return null;
  const nameOf = (code: string) => countries.data?.find((c) => c.code === code)?.name ?? code;
  const links: [string, string, boolean][] = [
    ["/", t.dashboard, true],
    ["/customers", t.customers, true],
    ["/pipeline", t.pipeline, true],
    ["/meters", t.meters, true],
    ["/customers/new", t.newCustomer, can("customers.write")],
    ["/customers/import", t.importCustomers, can("customers.write")],
    ["/payments", t.payments, true],
    ["/messages", t.messages, true],
    ["/tariffs", t.tariffs, true],
    ["/om-report", t.omReport, true],
    ["/financial", t.financial, true],
    ["/sites", t.sites, can("sites.write")],
    ["/global", t.global, can("global.read")],
  ];
  return (
    <div className="shell">
      <header>
        <strong className="brand">GridCare</strong>
        <span className="current-country" data-testid="current-country">{config?.name ?? me.country}</span>
        <span className="spacer" />
        <label className="country">
          <span className="visually-hidden">{t.country}</span>
          <select aria-label={t.country} value={me.country} onChange={(e) => void switchCountry(e.target.value)}>
            {Object.keys(me.countries).map((code) => (
              <option key={code} value={code}>{nameOf(code)}</option>
            ))}
          </select>
        </label>
        <label className="country">
          <span className="visually-hidden">{t.language}</span>
          <select aria-label={t.language} value={language} onChange={(e) => setLanguage(e.target.value as Language)}>
            <option value="en">EN</option>
            <option value="fr">FR</option>
          </select>
        </label>
        <span className="who">{me.username} · {me.role}</span>
        <button type="button" className="secondary" onClick={logout}>{t.signOut}</button>
        <nav>
          {links.filter(([, , shown]) => shown).map(([to, label]) => (
            <NavLink key={to} to={to} end={to === "/" || to === "/customers"}>{label}</NavLink>
          ))}
        </nav>
      </header>
      <main>
        <Outlet />
      </main>
    </div>
  );
}
