import { useState } from "react";
import { post } from "../../api/client";
import type { Onboarding } from "../../api/types";
import { useSession } from "../../auth/session";
import { formatDate } from "../../format";
import { ErrorNote } from "../Notes";
import { errorText } from "../useLoad";

/** The account's onboarding steps (done or not, when and by whom) and its stage. */
export function OnboardingCard(props: { onboarding: Onboarding; account: string; onChanged(): void }) {
  const { t, path, can, config } = useSession();
  const [error, setError] = useState<string | null>(null);
  const { onboarding } = props;
  const label = (step: string) => t.stepLabels[step] ?? step;
  const done = (step: string) => onboarding.steps.some((s) => s.step === step && s.done);

  async function mark(step: string) {
    setError(null);
    try {
      await post(path("markStep", { account_number: props.account }), { step });
      props.onChanged();
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  return (
    <div className="card onboarding" data-testid="onboarding">
      <h2>{t.onboarding}: <span className={`badge stage ${onboarding.stage}`} data-testid="stage">{label(onboarding.stage)}</span></h2>
      <ol className="steps">
        {onboarding.steps.map((s) => (
          <li key={s.step} className={s.done ? "done" : "todo"} data-testid={`step-${s.step}`}>
            <span aria-hidden="true">{s.done ? "✔" : "○"}</span> {label(s.step)}
            {s.done && s.at && config && <small> · {formatDate(s.at, config.locale, config.timezone)}{s.by ? ` · ${s.by}` : ""}</small>}
          </li>
        ))}
      </ol>
      <ErrorNote error={error} />
      {can("meters.write") && (
        <div className="actions">
          {!done("installed") && <button type="button" className="secondary" onClick={() => void mark("installed")}>{t.markInstalled}</button>}
          {done("commissioned") && ["commissioned", "disconnected"].includes(onboarding.stage) && (
            <button type="button" className="secondary" onClick={() => void mark("active")}>{t.markActive}</button>
          )}
          {done("commissioned") && ["commissioned", "active"].includes(onboarding.stage) && (
            <button type="button" className="secondary" onClick={() => void mark("disconnected")}>{t.markDisconnected}</button>
          )}
        </div>
      )}
    </div>
  );
}
