/**
 * View state kept in the URL hash (`#/?installation=3&frame=day&tz=Europe%2FBrussels&verify=812:17`), so links
 * can be shared and the SPA needs no server-side rewrites.
 */
import { TIME_FRAMES, type TimeFrame } from "./time";

export interface RouteState {
  installation: number | null;
  frame: TimeFrame;
  /** Explicit zone; null means the installation's own. */
  tz: string | null;
  /** Reading to verify, as reading id and batch id. */
  verify: { readingId: number; batchId: number } | null;
}

export const DEFAULT_ROUTE: RouteState = { installation: null, frame: "day", tz: null, verify: null };

const positiveInt = (s: string | null): number | null => {
  if (s == null || !/^\d+$/.test(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
};

/** Parses a location hash; unknown or malformed values fall back to defaults. */
export function parseRoute(hash: string): RouteState {
  const q = hash.replace(/^#\/?/, "").replace(/^\?/, "");
  const p = new URLSearchParams(q);
  const frame = p.get("frame");
  const verify = /^(\d+):(\d+)$/.exec(p.get("verify") ?? "");
  return {
    installation: positiveInt(p.get("installation")),
    frame: TIME_FRAMES.includes(frame as TimeFrame) ? (frame as TimeFrame) : DEFAULT_ROUTE.frame,
    tz: p.get("tz") || null,
    verify: verify ? { readingId: Number(verify[1]), batchId: Number(verify[2]) } : null,
  };
}

/** The hash for a state (defaults omitted). */
export function formatRoute(s: RouteState): string {
  const p = new URLSearchParams();
  if (s.installation != null) p.set("installation", String(s.installation));
  if (s.frame !== DEFAULT_ROUTE.frame) p.set("frame", s.frame);
  if (s.tz) p.set("tz", s.tz);
  if (s.verify) p.set("verify", `${s.verify.readingId}:${s.verify.batchId}`);
  const q = p.toString();
  return q ? `#/?${q}` : "#/";
}
