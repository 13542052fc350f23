import { createContext, useCallback, useContext, useEffect, useMemo, useState } from "react";
import type { ReactNode } from "react";
import { countryPath, currentToken, get, post, setToken } from "../api/client";
import type { CountryConfig, LoginAnswer, Me } from "../api/types";
import { languageFor, strings } from "../i18n";
import type { Strings } from "../i18n";

interface Session {
  me: Me | null;
  config: CountryConfig | null;
  t: Strings;
  login(username: string, password: string, country: string): Promise<void>;
  switchCountry(country: string): Promise<void>;
  logout(): void;
  api(path: string): string;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [config, setConfig] = useState<CountryConfig | null>(null);

  const load = useCallback(async () => {
    if (!currentToken()) return;
    try {
      const who = await get<Me>("/auth/me");
      setMe(who);
      setConfig(await get<CountryConfig>(countryPath(who.country, "/config")));
    } catch {
      setToken(null);
      setMe(null);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const value = useMemo<Session>(
    () => ({
      me,
      config,
      t: strings(languageFor(config?.locale)),
      async login(username, password, country) {
        const answer = await post<LoginAnswer>("/auth/login", { username, password, country });
        setToken(answer.access_token);
        await load();
      },
      async switchCountry(country) {
        const answer = await post<LoginAnswer>("/auth/switch", { country });
        setToken(answer.access_token);
        await load();
      },
      logout() {
        setToken(null);
        setMe(null);
        setConfig(null);
      },
      api: (path: string) => countryPath(me?.country ?? "", path),
    }),
    [me, config, load],
  );

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside SessionProvider");
  return session;
}
