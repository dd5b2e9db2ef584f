/**
 * React hooks: hash-route state, a ticking clock for ages, and the server-sent-events subscription that
 * pushes readings and status into the TanStack Query cache (no polling loop for live power).
 */
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { API_BASE, paths, type Reading, type Status, type Summary } from "./lib/api";
import { formatRoute, parseRoute, type RouteState } from "./lib/route";

/** The view state in the URL hash, and a setter that merges a partial change into it. */
export function useRoute(): [RouteState, (change: Partial<RouteState>) => void] {
  const [route, setRoute] = useState<RouteState>(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onHash = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);
  const update = useCallback((change: Partial<RouteState>) => {
    const next = { ...parseRoute(window.location.hash), ...change };
    const hash = formatRoute(next);
    if (hash !== window.location.hash) window.history.replaceState(null, "", hash);
    setRoute(next);
  }, []);
  return [route, update];
}

/** Current time in ms, re-rendering every `intervalMs` (for ages that tick; not a data poll). */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(t);
  }, [intervalMs]);
  return now;
}

export type StreamState = "connecting" | "open" | "error" | "idle";

export interface LiveStream {
  state: StreamState;
  /** The newest reading pushed by the stream (null until one arrives). */
  reading: Reading | null;
  /** Browser time (ms) when `reading` arrived. */
  receivedAt: number | null;
  /** Events that could not be parsed (shown, never thrown). */
  badEvents: number;
}

const READINGS_REFRESH_MS = 5_000;
const CHART_REFRESH_MS = 60_000;

/**
 * Subscribes to GET /api/v1/readings/{id}/stream (events `reading` and `status`). Readings update the live
 * value and the summary in the cache; the records table and charts are refetched at most every 5 s / 60 s
 * after new readings. EventSource reconnects by itself; `state` shows whether it is connected.
 */
export function useLiveStream(installationId: number | null): LiveStream {
  const qc = useQueryClient();
  const [live, setLive] = useState<LiveStream>({ state: "idle", reading: null, receivedAt: null, badEvents: 0 });
  const lastRefresh = useRef({ readings: 0, chart: 0 });

  useEffect(() => {
    if (installationId == null) return;
    setLive({ state: "connecting", reading: null, receivedAt: null, badEvents: 0 });
    const es = new EventSource(API_BASE + paths.stream(installationId));
    const id = installationId;

    es.onopen = () => setLive((l) => ({ ...l, state: "open" }));
    es.onerror = () => setLive((l) => ({ ...l, state: es.readyState === EventSource.CLOSED ? "error" : "connecting" }));

    es.addEventListener("reading", (ev) => {
      let r: Reading;
      try {
        r = JSON.parse((ev as MessageEvent<string>).data) as Reading;
      } catch {
        setLive((l) => ({ ...l, badEvents: l.badEvents + 1 }));
        return;
      }
      if (r.installation_id != null && r.installation_id !== id) return;
      setLive((l) => {
        if (l.reading && l.reading.timestamp_ms > r.timestamp_ms) return { ...l, state: "open" };
        return { ...l, state: "open", reading: r, receivedAt: Date.now() };
      });
      qc.setQueryData<Reading | null>(["latest", id], (old) => (old && old.timestamp_ms > r.timestamp_ms ? old : r));
      qc.setQueryData<Summary>(["summary", id], (old) =>
        old && (old.last_reading_at ?? 0) <= r.timestamp
          ? { ...old, current_power_w: r.power_w, last_reading_at: r.timestamp, last_reading_age_s: 0 }
          : old,
      );
      const now = Date.now();
      if (now - lastRefresh.current.readings >= READINGS_REFRESH_MS) {
        lastRefresh.current.readings = now;
        void qc.invalidateQueries({ queryKey: ["readings", id] });
        void qc.invalidateQueries({ queryKey: ["summary", id] });
      }
      if (now - lastRefresh.current.chart >= CHART_REFRESH_MS) {
        lastRefresh.current.chart = now;
        void qc.invalidateQueries({ queryKey: ["chart", id] });
      }
    });

    es.addEventListener("status", (ev) => {
      try {
        const s = JSON.parse((ev as MessageEvent<string>).data) as Status;
        qc.setQueryData(["status", id], s);
      } catch {
        setLive((l) => ({ ...l, badEvents: l.badEvents + 1 }));
      }
    });

    lastRefresh.current = { readings: Date.now(), chart: Date.now() };
    return () => es.close();
  }, [installationId, qc]);

  return live;
}

/** Theme: "auto" follows the system; the choice is kept in localStorage. */
export function useTheme(): ["auto" | "light" | "dark", () => void] {
  const [theme, setTheme] = useState<"auto" | "light" | "dark">(() => {
    const t = safeStorageGet("ww.theme");
    return t === "light" || t === "dark" ? t : "auto";
  });
  useEffect(() => {
    if (theme === "auto") document.documentElement.removeAttribute("data-theme");
    else document.documentElement.setAttribute("data-theme", theme);
    safeStorageSet("ww.theme", theme);
  }, [theme]);
  const cycle = useCallback(() => setTheme((t) => (t === "auto" ? "dark" : t === "dark" ? "light" : "auto")), []);
  return [theme, cycle];
}

export function safeStorageGet(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function safeStorageSet(key: string, value: string | null): void {
  try {
    if (value == null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // storage disabled: the choice lasts for this page only
  }
}
