import { useState } from "react";
import { ApiError, get, post } from "../../api/client";
import type { SignedContract } from "../../api/types";
import { useSession } from "../../auth/session";
import { formatDate } from "../../format";
import { DownloadButton } from "../DownloadButton";
import { ErrorNote } from "../Notes";
import { useLoad } from "../useLoad";
import { SignaturePad } from "./SignaturePad";

/** The supply contract in the country's languages: download, sign on the screen, signed copies. */
export function ContractCard(props: { account: string; customerName: string; canSign: boolean }) {
  const { t, path, can, config } = useSession();
  const languages = [...new Set((config?.locales ?? ["en"]).map((l) => l.split("_")[0] ?? "en"))];
  const [lang, setLang] = useState(languages[0] ?? "en");
  const [signature, setSignature] = useState<string | null>(null);
  const [signer, setSigner] = useState(props.customerName);
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [padKey, setPadKey] = useState(0);
  const signed = useLoad(
    () => get<SignedContract[]>(path("contracts", { account_number: props.account })),
    [path, props.account],
  );

  async function sign() {
    if (!signature) return;
    setProblem(null);
    try {
      await post(path("signContract", { account_number: props.account }), { lang, signature, signer_name: signer });
      setSignature(null);
      setPadKey((k) => k + 1);
      await signed.reload();
    } catch (caught) {
      if (caught instanceof ApiError) setProblem(caught);
      else throw caught;
    }
  }

  return (
    <div className="card contract" data-testid="contract">
      <h2>{t.contract}</h2>
      <div className="filters">
        <label>
          {t.language}
          <select name="contract-lang" value={lang} onChange={(e) => setLang(e.target.value)}>
            {languages.map((l) => <option key={l} value={l}>{l.toUpperCase()}</option>)}
          </select>
        </label>
        <DownloadButton label={t.downloadContract} href={path("contract", { account_number: props.account })}
          query={{ lang }} testId="download-contract" />
      </div>
      {can("customers.write") && props.canSign && (
        <>
          <SignaturePad key={padKey} label={t.signHere} clearLabel={t.clearSignature} onChange={setSignature} />
          <label>
            {t.signerName}
            <input name="signer_name" value={signer} onChange={(e) => setSigner(e.target.value)} />
          </label>
          {problem && <p role="alert" className="error">{problem.messageFor("signature") ?? problem.message}</p>}
          <div><button type="button" disabled={!signature} onClick={() => void sign()}>{t.signContract}</button></div>
        </>
      )}
      <ErrorNote error={signed.error} />
      {signed.data && signed.data.length > 0 && config && (
        <>
          <h3>{t.signedContracts}</h3>
          <ul className="signed-contracts">
            {signed.data.map((c) => (
              <li key={c.id} data-testid={`signed-${c.id}`}>
                {c.language.toUpperCase()} · {t.signed} {formatDate(c.signed_at, config.locale, config.timezone)} · {t.witnessedBy} {c.witnessed_by}
                <DownloadButton label="PDF" href={path("signedContract", { account_number: props.account, contract_id: c.id })}
                  testId={`download-signed-${c.id}`} />
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
