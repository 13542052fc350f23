import { useState } from "react";
import type { FormEvent } from "react";
import { get } from "../api/client";
import type { OutboundMessage, Page } from "../api/types";
import { useSession } from "../auth/session";
import { MessagesTable } from "../components/MessagesTable";
import { ErrorNote } from "../components/Notes";
import { useLoad } from "../components/useLoad";

const KINDS = ["receipt", "low_balance", "notice", "reply", "balance"];
const STATUSES = ["queued", "handed_over", "pending", "sent", "delivered", "failed"];
const PAGE_SIZE = 50;

interface Filters {
  phone: string;
  account_number: string;
  kind: string;
  status: string;
  since: string;
  until: string;
}

const EMPTY: Filters = { phone: "", account_number: "", kind: "", status: "", since: "", until: "" };

/** Every outbound message, searchable by phone, account, kind, status and date. */
export function Messages() {
  const { t, path } = useSession();
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [page, setPage] = useState(1);
  const messages = useLoad(
    () =>
      get<Page<OutboundMessage>>(path("messages"), {
        ...filters,
        since: filters.since ? `${filters.since}T00:00:00Z` : "",
        until: filters.until ? nextDay(filters.until) : "",
        page,
        page_size: PAGE_SIZE,
      }),
    [path, filters, page],
  );

  function search(event: FormEvent) {
    event.preventDefault();
    setPage(1);
    setFilters(draft);
  }

  const field = (name: keyof Filters) => ({
    name,
    value: draft[name],
    onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [name]: e.target.value }),
  });
  const total = messages.data?.total ?? 0;
  return (
    <section className="messages-page">
      <h1>{t.messages}</h1>
      <form className="filters wrap" onSubmit={search} aria-label={t.searchMessages}>
        <label>{t.phone}<input type="search" inputMode="tel" {...field("phone")} /></label>
        <label>{t.account}<input type="search" {...field("account_number")} /></label>
        <label>{t.kind}
          <select {...field("kind")}>
            <option value="">{t.allKinds}</option>
            {KINDS.map((k) => <option key={k} value={k}>{t.messageKinds[k]}</option>)}
          </select>
        </label>
        <label>{t.status}
          <select {...field("status")}>
            <option value="">{t.allStatuses}</option>
            {STATUSES.map((s) => <option key={s} value={s}>{t.messageStatuses[s]}</option>)}
          </select>
        </label>
        <label>{t.from}<input type="date" {...field("since")} /></label>
        <label>{t.to}<input type="date" {...field("until")} /></label>
        <div><button type="submit">{t.searchMessages}</button></div>
      </form>
      <ErrorNote error={messages.error} />
      {messages.data ? (
        <>
          <p className="progress">{total}</p>
          <MessagesTable messages={messages.data.items} showAccount onChanged={() => void messages.reload()} />
          {total > PAGE_SIZE && (
            <div className="pager">
              <button type="button" className="secondary" disabled={page === 1} onClick={() => setPage(page - 1)}>‹</button>
              <span>{page} / {Math.ceil(total / PAGE_SIZE)}</span>
              <button type="button" className="secondary" disabled={page * PAGE_SIZE >= total} onClick={() => setPage(page + 1)}>›</button>
            </div>
          )}
        </>
      ) : <p>{t.loading}</p>}
    </section>
  );
}

/** The first instant after the chosen day (UTC), so `until` includes the whole day. */
function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString();
}
