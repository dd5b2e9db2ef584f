/** Live power output card: the newest reading's power (pushed over SSE), its age ticking, capacity share. */
import type { Installation, Reading, Summary } from "../lib/api";
import { decimalsFor, formatAge, formatDuration, formatNumber, formatPower, powerScale } from "../lib/format";
import { formatDateTimeZoned } from "../lib/time";
import type { LiveStream } from "../hooks";
import { ErrorBox, Loading } from "./common";

/** Inline SVG sparkline of recent power values (oldest first). */
function Sparkline({ points }: { points: { t: number; w: number }[] }) {
  if (points.length < 2) return null;
  const W = 300;
  const H = 48;
  const t0 = points[0].t;
  const t1 = points[points.length - 1].t;
  const hi = Math.max(...points.map((p) => p.w));
  const lo = Math.min(...points.map((p) => p.w));
  const pad = Math.max((hi - lo) * 0.15, Math.abs(hi) * 0.02, 1);
  const max = hi + pad;
  const min = lo - pad;
  const x = (t: number) => (t1 === t0 ? 0 : ((t - t0) / (t1 - t0)) * W);
  const y = (w: number) => H - 2 - ((w - min) / (max - min)) * (H - 4);
  const line = points.map((p) => `${x(p.t).toFixed(1)},${y(p.w).toFixed(1)}`).join(" ");
  return (
    <svg className="sparkline" viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={`Power over the last ${points.length} readings`}>
      <polygon points={`0,${H} ${line} ${W},${H}`} fill="var(--accent-soft)" />
      <polyline points={line} fill="none" stroke="var(--accent)" strokeWidth="2" vectorEffect="non-scaling-stroke" />
    </svg>
  );
}

/** Caption of the sparkline: span of time and power range. */
function sparkCaption(points: { t: number; w: number }[]): string | null {
  if (points.length < 2) return null;
  const span = (points[points.length - 1].t - points[0].t) / 1000;
  const ws = points.map((p) => p.w);
  return `last ${formatDuration(span)}: ${formatPower(Math.min(...ws))} – ${formatPower(Math.max(...ws))}`;
}

interface Props {
  recent: Reading[] | undefined;
  installation: Installation | undefined;
  summary: Summary | undefined;
  latest: Reading | null | undefined;
  live: LiveStream;
  now: number;
  tz: string;
  loading: boolean;
  error: unknown;
  onRetry: () => void;
}

const STREAM_TEXT = { open: "Live", connecting: "Connecting…", error: "Stream lost", idle: "Idle" } as const;

export function LivePower({ recent, installation, summary, latest, live, now, tz, loading, error, onRetry }: Props) {
  // newest of: pushed reading, latest reading query, summary
  const reading = live.reading && (!latest || live.reading.timestamp_ms >= latest.timestamp_ms) ? live.reading : latest ?? null;
  const power = reading?.power_w ?? summary?.current_power_w ?? null;
  const at = reading ? reading.timestamp_ms / 1000 : summary?.last_reading_at ?? null;
  const age = at != null ? Math.max(0, now / 1000 - at) : null;
  const capacity = installation?.capacity_w ?? null;
  const share = capacity && power != null ? Math.max(0, Math.min(1, power / capacity)) : null;
  const scale = powerScale(power ?? 0);
  const value = power != null ? power / scale.divisor : null;
  const byTime = new Map<number, number>();
  for (const r of recent ?? []) byTime.set(r.timestamp_ms, r.power_w);
  if (reading) byTime.set(reading.timestamp_ms, reading.power_w);
  const spark = [...byTime.entries()].sort((a, b) => a[0] - b[0]).slice(-30).map(([t, w]) => ({ t, w }));

  return (
    <section className="card live-card span-4" aria-labelledby="live-title">
      <div className="card-head">
        <h2 id="live-title">Power output</h2>
        <span className="live-dot spacer" data-state={live.state} data-testid="stream-state">
          {STREAM_TEXT[live.state]}
        </span>
      </div>
      {error && !reading && !summary ? (
        <ErrorBox error={error} what="live power" onRetry={onRetry} />
      ) : loading && !reading && !summary ? (
        <Loading label="live power" lines={2} />
      ) : (
        <>
          <div
            className="big-number"
            data-testid="live-power"
            data-reading-id={reading?.id ?? ""}
            data-timestamp={reading?.timestamp_ms ?? ""}
            data-power-w={power ?? ""}
            aria-live="polite"
            aria-atomic="true"
          >
            <span key={reading?.id ?? "none"} className="flash">
              {value != null ? formatNumber(value, decimalsFor(value)) : "—"}
            </span>
            <span className="unit">{scale.unit}</span>
            <span className="sr-only"> ({formatPower(power)})</span>
          </div>
          <Sparkline points={spark} />
          {sparkCaption(spark) && (
            <div className="muted" style={{ fontSize: "0.75rem" }}>
              {sparkCaption(spark)}
            </div>
          )}
          {share != null && (
            <>
              <div className="capacity-bar" aria-hidden="true">
                <span style={{ width: `${(share * 100).toFixed(1)}%` }} />
              </div>
              <div className="muted" style={{ fontSize: "0.82rem" }}>
                {(share * 100).toFixed(0)}% of {formatPower(capacity)} capacity
              </div>
            </>
          )}
          <div style={{ marginTop: 10, fontSize: "0.88rem" }}>
            {at != null ? (
              <>
                Reading <strong data-testid="reading-age" data-now={now}>
                  {formatAge(age)}
                </strong>{" "}
                <span className="muted">({formatDateTimeZoned(at, tz)})</span>
                {reading && (
                  <div className="muted" style={{ fontSize: "0.8rem" }}>
                    boot {reading.boot} · seq {reading.seq}
                  </div>
                )}
              </>
            ) : (
              <span className="muted">No reading yet.</span>
            )}
          </div>
        </>
      )}
    </section>
  );
}
