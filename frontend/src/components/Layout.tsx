import { NavLink, Outlet } from "react-router-dom";
import { useSession } from "../auth/session";

export function Layout() {
  const { me, config, t, switchCountry, logout } = useSession();
  if (!me) return null;
  const countries = Object.keys(me.countries);
  return (
    <div className="shell">
      <header>
        <strong>GridCare</strong>
        <nav>
          <NavLink to="/" end>{t.dashboard}</NavLink>
          <NavLink to="/customers">{t.customers}</NavLink>
        </nav>
        <span className="spacer" />
        <label className="country">
          <span className="visually-hidden">{t.country}</span>
          <select aria-label={t.country} value={me.country}
            onChange={(e) => void switchCountry(e.target.value)}>
            {countries.map((code) => (
              <option key={code} value={code}>{code}</option>
            ))}
          </select>
        </label>
        <span className="who">{me.username} · {me.role} · {config?.name}</span>
        <button type="button" onClick={logout}>{t.signOut}</button>
      </header>
      <main>
        <Outlet />
      </main>
    </div>
  );
}
