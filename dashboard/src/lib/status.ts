/**
 * The overall state of an installation from its four parts (device connection, liveness, anchoring from
 * GET /installations/{id}/status; backend from GET /health), naming the parts that are wrong.
 */
import type { Health, Status } from "./api";
import { formatDuration } from "./format";

export type Tone = "ok" | "warn" | "bad" | "neutral";

export interface PartState {
  part: "device" | "liveness" | "backend" | "anchoring";
  label: string;
  tone: Tone;
  /** Short state word shown in the badge. */
  state: string;
  /** Sentence shown in the overall box when the part is not ok. */
  problem: string | null;
}

export interface Overall {
  tone: Tone;
  headline: string;
  /** One line per wrong part, then the server's own problem strings not already said. */
  problems: string[];
  parts: PartState[];
}

/** The health checks that are not UP, as "database: DOWN". Checks may be strings or {status}. */
export function failingChecks(health: Health): string[] {
  return Object.entries(health.checks ?? {})
    .map(([name, v]) => {
      const s = typeof v === "string" ? v : v && typeof v === "object" && "status" in v ? String((v as { status: unknown }).status) : null;
      return s && s.toUpperCase() !== "UP" ? `${name}: ${s}` : null;
    })
    .filter((x): x is string => x != null);
}

/**
 * Combines status and health. Worst part wins: any "bad" part makes the whole "bad" (down), any "warn"
 * makes it "warn" (degraded); the server's `overall` is never made better than it says.
 * @param healthError set when /health could not be fetched at all (the backend part is then "bad")
 */
export function computeOverall(status: Status | undefined, health: Health | undefined, healthError: unknown): Overall {
  const parts: PartState[] = [];
  if (status) {
    const dc = status.device_connection;
    parts.push({
      part: "device",
      label: "Device connection",
      tone: dc.state === "online" ? "ok" : dc.state === "offline" ? "bad" : "neutral",
      state: dc.state,
      problem: dc.state === "offline" ? "Device offline (MQTT last will received)" : dc.state === "unknown" ? null : null,
    });
    const lv = status.liveness;
    const age = lv.last_reading_age_s != null ? formatDuration(lv.last_reading_age_s) : null;
    parts.push({
      part: "liveness",
      label: "Device liveness",
      tone: lv.state === "live" ? "ok" : lv.state === "stale" ? "warn" : lv.state === "dead" ? "bad" : "neutral",
      state: lv.state,
      problem:
        lv.state === "stale" || lv.state === "dead"
          ? `No signed reading for ${age ?? "a while"} (expected every ${lv.expected_interval_s} s)`
          : null,
    });
  }
  if (health) {
    const failing = failingChecks(health);
    parts.push({
      part: "backend",
      label: "Backend health",
      tone: health.status === "UP" ? "ok" : health.status === "DEGRADED" ? "warn" : "bad",
      state: health.status,
      problem: health.status === "UP" ? null : `Backend ${health.status}${failing.length ? ` (${failing.join(", ")})` : ""}`,
    });
  } else if (healthError) {
    parts.push({ part: "backend", label: "Backend health", tone: "bad", state: "unreachable", problem: "Backend health check unreachable" });
  }
  if (status) {
    const an = status.anchoring;
    parts.push({
      part: "anchoring",
      label: "Anchoring",
      tone: an.state === "fresh" ? "ok" : an.state === "stale" ? "warn" : "neutral",
      state: an.state,
      problem:
        an.state === "stale"
          ? `Anchoring stale: last batch anchored ${an.age_s != null ? formatDuration(an.age_s) + " ago" : "long ago"}`
          : null,
    });
  }

  const rank = { ok: 0, neutral: 0, warn: 1, bad: 2 } as const;
  let worst = parts.reduce((w, p) => Math.max(w, rank[p.tone]), 0);
  if (status?.overall === "down") worst = 2;
  else if (status?.overall === "degraded") worst = Math.max(worst, 1);

  const problems = parts.map((p) => p.problem).filter((p): p is string => p != null);
  for (const p of status?.problems ?? []) {
    if (!problems.some((q) => q.toLowerCase() === p.toLowerCase())) problems.push(p);
  }
  const wrong = parts.filter((p) => rank[p.tone] > 0).map((p) => p.label.toLowerCase());
  const tone: Tone = worst === 2 ? "bad" : worst === 1 ? "warn" : parts.length ? "ok" : "neutral";
  const headline =
    tone === "ok"
      ? "All systems normal"
      : tone === "neutral"
        ? "Status unknown"
        : `${tone === "bad" ? "Down" : "Degraded"}${wrong.length ? `: ${wrong.join(", ")}` : ""}`;
  return { tone, headline, problems, parts };
}
