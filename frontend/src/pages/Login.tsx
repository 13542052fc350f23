import { useEffect, useState } from "react";
import type { FormEvent } from "react";
import { ApiError, get } from "../api/client";
import type { CountrySummary } from "../api/types";
import { useSession } from "../auth/session";

export function Login() {
  const { login, t } = useSession();
  const [countries, setCountries] = useState<CountrySummary[]>([]);
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [country, setCountry] = useState("LS");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    get<CountrySummary[]>("/api/countries").then(setCountries, () => setCountries([]));
  }, []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username, password, country);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught));
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
