import { createContext, useCallback, useContext, useEffect, useMemo, useState } from "react";
import type { ReactNode } from "react";
import { currentToken, get, post, setToken } from "../api/client";
import { countryOperationPath, gatewayPath } from "../api/endpoints";
import type { CountryOperation } from "../api/endpoints";
import type { CountryConfig, LoginAnswer, Me } from "../api/types";
import { languageFor, strings } from "../i18n";
import type { Language, Strings } from "../i18n";
import { allows } from "./permissions";
import type { Permission } from "./permissions";

interface Session {
  me: Me | null;
  config: CountryConfig | null;
  t: Strings;
  language: Language;
  setLanguage(language: Language | null): void;
  login(username: string, password: string, country: string): Promise<void>;
  switchCountry(country: string): Promise<void>;
  logout(): void;
  can(permission: Permission): boolean;
  /** A country operation's path on the chosen country, through the gateway. */
  path(operation: CountryOperation, params?: Record<string, string | number>): string;
}

const SessionContext = createContext<Session | null>(null);
const LANGUAGE_KEY = "gridcare.language";

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [config, setConfig] = useState<CountryConfig | null>(null);
  const [chosenLanguage, setChosenLanguage] = useState<Language | null>(
    () => (sessionStorage.getItem(LANGUAGE_KEY) as Language | null) ?? null,
  );

  const load = useCallback(async () => {
    if (!currentToken()) return;
    try {
      const who = await get<Me>(gatewayPath("me"));
      const settings = await get<CountryConfig>(countryOperationPath(who.country, "config"));
      setConfig(settings);
      setMe(who);
    } catch {
      setToken(null);
      setMe(null);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const value = useMemo<Session>(() => {
    const language = chosenLanguage ?? languageFor(config?.locale);
    return {
      me,
      config,
      language,
      t: strings(language),
      setLanguage(next) {
        if (next) sessionStorage.setItem(LANGUAGE_KEY, next);
        else sessionStorage.removeItem(LANGUAGE_KEY);
        setChosenLanguage(next);
      },
      async login(username, password, country) {
        const answer = await post<LoginAnswer>(gatewayPath("login"), { username, password, country });
        setToken(answer.access_token);
        await load();
      },
      async switchCountry(country) {
        const answer = await post<LoginAnswer>(gatewayPath("switchCountry"), { country });
        setToken(answer.access_token);
        setChosenLanguage(null);
        sessionStorage.removeItem(LANGUAGE_KEY);
        await load();
      },
      logout() {
        setToken(null);
        setMe(null);
        setConfig(null);
      },
      can: (permission) => allows(me?.role, permission),
      path: (operation, params) => countryOperationPath(me?.country ?? "", operation, params),
    };
  }, [me, config, chosenLanguage, load]);

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside SessionProvider");
  return session;
}
