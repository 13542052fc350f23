import { get } from "../../api/client";
import type { Balance } from "../../api/types";
import { useSession } from "../../auth/session";
import { formatMoney, formatNumber } from "../../format";
import { ErrorNote } from "../Notes";
import { useLoad } from "../useLoad";

export function BalanceCard({ account }: { account: string }) {
  const { t, path, config } = useSession();
  const { data, error } = useLoad(() => get<Balance>(path("balance", { account_number: account })), [path, account]);
  if (!config) return null;
  return (
    <div className="card balance" data-testid="balance">
      <h3>{t.balance}</h3>
      <ErrorNote error={error} />
      {data ? (
        <dl>
          <dt>{t.energy}</dt><dd>{formatNumber(data.kwh, config.locale, 2)} kWh</dd>
          <dt>{t.credit}</dt><dd>{formatMoney(data.amount, data.currency, config.locale)}</dd>
          <dt>{t.feeDebt}</dt><dd>{formatMoney(data.fee_debt, data.currency, config.locale)}</dd>
        </dl>
      ) : !error && <p>{t.loading}</p>}
    </div>
  );
}
