import { useCallback, useEffect, useState } from "react";
import { ApiError } from "../api/client";

export interface Loaded<T> {
  data: T | null;
  error: string | null;
  reload(): Promise<void>;
}

/** Runs `load` now and whenever `deps` change; the last answer wins, errors become text. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[], pollMs?: number): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(load, deps);

  const reload = useCallback(async () => {
    try {
      setData(await run());
      setError(null);
    } catch (caught) {
      setError(errorText(caught));
    }
  }, [run]);

  useEffect(() => {
    let current = true;
    const fetchOnce = () =>
      run().then(
        (answer) => current && (setData(answer), setError(null)),
        (caught: unknown) => current && setError(errorText(caught)),
      );
    void fetchOnce();
    const timer = pollMs ? setInterval(() => void fetchOnce(), pollMs) : undefined;
    return () => {
      current = false;
      if (timer) clearInterval(timer);
    };
  }, [run, pollMs]);

  return { data, error, reload };
}

export function errorText(caught: unknown): string {
  return caught instanceof ApiError || caught instanceof Error ? caught.message : String(caught);
}
