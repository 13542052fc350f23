import { useEffect, useState } from "react";
import type { FormEvent } from "react";
import { ApiError, get } from "../api/client";
import { gatewayPath } from "../api/endpoints";
import type { CountrySummary } from "../api/types";
import { useSession } from "../auth/session";
import { languageFor, strings } from "../i18n";

/** Every country is offered; choosing one the user has no role in gets a clear refusal. */
export function Login() {
  const { login } = useSession();
  const [countries, setCountries] = useState<CountrySummary[]>([]);
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [country, setCountry] = useState("LS");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const chosen = countries.find((c) => c.code === country);
  const t = strings(languageFor(chosen?.locale));

  useEffect(() => {
    get<CountrySummary[]>(gatewayPath("countries")).then((list) => {
      setCountries(list);
      if (list.length && !list.some((c) => c.code === "LS")) setCountry(list[0]?.code ?? "");
    }, () => setCountries([]));
  }, []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username, password, country);
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 403) setError(t.noRoleIn(chosen?.name ?? country));
      else setError(caught instanceof ApiError ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="login">
      <form onSubmit={submit} className="card" aria-label="login">
        <h1>GridCare</h1>
        <label>
          {t.username}
          <input name="username" autoComplete="username" value={username}
            onChange={(e) => setUsername(e.target.value)} required />
        </label>
        <label>
          {t.password}
          <input name="password" type="password" autoComplete="current-password" value={password}
            onChange={(e) => setPassword(e.target.value)} required />
        </label>
        <label>
          {t.country}
          <select name="country" value={country} onChange={(e) => setCountry(e.target.value)}>
            {countries.map((c) => (
              <option key={c.code} value={c.code}>{c.name}</option>
            ))}
          </select>
        </label>
        {error && <p role="alert" className="error">{error}</p>}
        <button type="submit" disabled={busy}>{busy ? t.loading : t.signIn}</button>
      </form>
    </main>
  );
}
