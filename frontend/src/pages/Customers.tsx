import { useEffect, useState } from "react";
import { Link } from "react-router-dom";
import { get } from "../api/client";
import type { Customer, Page } from "../api/types";
import { useSession } from "../auth/session";

const PAGE_SIZE = 25;

/** Search-as-you-type: a query waits 250 ms of quiet before it is sent. */
function useDebounced<T>(value: T, delay = 250): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return settled;
}

export function Customers() {
  const { config, t, path } = useSession();
  const [query, setQuery] = useState("");
  const [site, setSite] = useState("");
  const [page, setPage] = useState(1);
  const [result, setResult] = useState<Page<Customer> | null>(null);
  const settledQuery = useDebounced(query);

  useEffect(() => setPage(1), [settledQuery, site]);
  useEffect(() => {
    let current = true;
    get<Page<Customer>>(path("customers"), { q: settledQuery, site, page, page_size: PAGE_SIZE })
      .then((answer) => current && setResult(answer), () => current && setResult({ items: [], total: 0 }));
    return () => {
      current = false;
    };
  }, [path, settledQuery, site, page]);

  const pages = result ? Math.max(1, Math.ceil(result.total / PAGE_SIZE)) : 1;
  return (
    <section className="customers">
      <h1>{t.customers}</h1>
      <div className="filters">
        <input type="search" aria-label={t.search} placeholder={t.search} value={query}
          onChange={(e) => setQuery(e.target.value)} />
        <select aria-label={t.site} value={site} onChange={(e) => setSite(e.target.value)}>
          <option value="">{t.allSites}</option>
          {config?.sites.map((s) => <option key={s.code} value={s.code}>{s.code} · {s.name}</option>)}
        </select>
      </div>
      {!result ? <p>{t.loading}</p> : result.items.length === 0 ? <p>{t.noResults}</p> : (
        <table>
          <thead>
            <tr><th>{t.accounts}</th><th>{t.name}</th><th>{t.phone}</th><th>{t.site}</th><th>{t.status}</th></tr>
          </thead>
          <tbody>
            {result.items.map((c) => (
              <tr key={c.id}>
                <td>{c.account_numbers.map((a) => <Link key={a} to={`/customers/${a}`}>{a}</Link>)}</td>
                <td>{c.first_name} {c.last_name}</td>
                <td>{c.phone ?? "—"}</td>
                <td>{c.site_code}</td>
                <td>{c.active ? t.active : t.inactive}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="pager">
        <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>{t.previous}</button>
        <span>{t.page} {page} {t.of} {pages} · {result?.total ?? 0}</span>
        <button type="button" disabled={page >= pages} onClick={() => setPage(page + 1)}>{t.next}</button>
      </div>
    </section>
  );
}
