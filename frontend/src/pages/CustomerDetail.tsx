import { useParams } from "react-router-dom";
import { get } from "../api/client";
import type { CustomerDetail as Detail, Onboarding, OutboundMessage, Page, Payment } from "../api/types";
import { useSession } from "../auth/session";
import { BalanceCard } from "../components/customer/BalanceCard";
import { ConsumptionChart } from "../components/customer/ConsumptionChart";
import { CustomerForm } from "../components/customer/CustomerForm";
import { CommissionForm } from "../components/customer/CommissionForm";
import { ContractCard } from "../components/customer/ContractCard";
import { DeactivateCard } from "../components/customer/DeactivateCard";
import { MetersTable } from "../components/customer/MetersTable";
import { OnboardingCard } from "../components/customer/OnboardingCard";
import { WaitingPayments } from "../components/customer/WaitingPayments";
import { MessagesTable } from "../components/MessagesTable";
import { PaymentsTable } from "../components/PaymentsTable";
import { ErrorNote } from "../components/Notes";
import { useLoad } from "../components/useLoad";
import { formatDate } from "../format";

export function CustomerDetail() {
  const { account = "" } = useParams();
  const { t, path, config, can } = useSession();
  const customer = useLoad(() => get<Detail>(path("customer", { account_number: account })), [path, account]);
  const payments = useLoad(
    () => get<Page<Payment>>(path("payments"), { account_number: account, page_size: 50 }),
    [path, account],
  );
  const customerId = customer.data?.id;
  const messages = useLoad(
    () => customerId === undefined
      ? Promise.resolve(null)
      : get<Page<OutboundMessage>>(path("messages"), { customer_id: customerId, page_size: 20 }),
    [path, customerId],
  );
  const onboarding = useLoad(() => get<Onboarding>(path("onboarding", { account_number: account })), [path, account]);
  const reloadAll = () => {
    void customer.reload();
    void onboarding.reload();
    void payments.reload();
  };

  if (customer.error && !customer.data) return <ErrorNote error={customer.error} />;
  const detail = customer.data;
  if (!detail || !config) return <p>{t.loading}</p>;
  return (
    <section className="customer">
      <h1>{detail.first_name} {detail.last_name} <small>{account}</small></h1>
      <div className="columns">
        <CustomerForm customer={detail} account={account} onSaved={() => void customer.reload()} />
        <BalanceCard account={account} />
      </div>
      {onboarding.data && <OnboardingCard onboarding={onboarding.data} account={account} onChanged={reloadAll} />}
      {detail.active && <WaitingPayments account={account} onAllocated={reloadAll} />}
      <h2>{t.accounts}</h2>
      <ul className="accounts">
        {detail.accounts.map((a) => (
          <li key={a.account_number}>
            <strong>{a.account_number}</strong> · {a.site_code} · {t.opened} {formatDate(a.opened_at, config.locale, config.timezone)}
            {a.closed_at && ` · ${t.closed} ${formatDate(a.closed_at, config.locale, config.timezone)}`}
          </li>
        ))}
      </ul>
      <h2>{t.meters}</h2>
      <MetersTable accounts={detail.accounts} onChanged={reloadAll} />
      {detail.active && can("meters.write") && (
        onboarding.data?.steps.some((s) => s.step === "commissioned" && s.done)
          ? <details className="card"><summary>{t.commissionTitle}</summary><CommissionForm account={account} onDone={reloadAll} /></details>
          : <CommissionForm account={account} onDone={reloadAll} />
      )}
      <ContractCard account={account} customerName={`${detail.first_name} ${detail.last_name}`.trim()} canSign={detail.active} />
      <h2>{t.consumption}</h2>
      <ConsumptionChart account={account} />
      <h2>{t.ledger}</h2>
      <ErrorNote error={payments.error} />
      {payments.data && <PaymentsTable payments={payments.data.items} onChanged={() => void payments.reload()} />}
      <h2>{t.messagesSent}</h2>
      <ErrorNote error={messages.error} />
      {messages.data && <MessagesTable messages={messages.data.items} onChanged={() => void messages.reload()} />}
      {detail.active && can("customers.write") && <DeactivateCard account={account} onDone={reloadAll} />}
    </section>
  );
}
