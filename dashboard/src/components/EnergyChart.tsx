/**
 * Energy chart: bars of energy per bucket for hour/day/week/month/year (Apache ECharts), one shared unit
 * (Wh/kWh/MWh), estimated buckets hatched and lighter with a legend, period total, tooltips in local time,
 * a data table for screen readers and tests, and CSV export of the buckets.
 */
import { BarChart } from "echarts/charts";
import { GridComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { useEffect, useMemo, useRef, type KeyboardEvent } from "react";
import type { ChartPoint, ChartResponse } from "../lib/api";
import { chartToCsv, csvFileName } from "../lib/csv";
import { decimalsFor, energyScale, formatEnergy, formatNumber, formatScaled } from "../lib/format";
import { BUCKET_COUNT, bucketLabel, bucketRange, localMidnight, TIME_FRAMES, timeZoneLabel, zonedParts, type TimeFrame } from "../lib/time";
import { downloadText, ErrorBox, Loading } from "./common";

echarts.use([BarChart, GridComponent, TooltipComponent, CanvasRenderer]);

const FRAME_NAMES: Record<TimeFrame, string> = { hour: "Hour", day: "Day", week: "Week", month: "Month", year: "Year" };
const FRAME_HINT: Record<TimeFrame, string> = {
  hour: "last hour, 10-minute buckets",
  day: "last 24 hours, hourly",
  week: "last 7 days, daily",
  month: "last 30 days, daily",
  year: "last 12 months, monthly",
};

interface Props {
  installationId: number;
  frame: TimeFrame;
  onFrame: (f: TimeFrame) => void;
  tz: string;
  chart: ChartResponse | undefined;
  loading: boolean;
  fetching: boolean;
  error: unknown;
  onRetry: () => void;
  theme: string;
}

/** End (exclusive) of bucket i: the next bucket's start, or one frame step after the last start. */
export function bucketEnd(points: ChartPoint[], i: number, frame: TimeFrame, tz: string): number {
  if (i + 1 < points.length) return points[i + 1].timestamp;
  const start = points[i].timestamp;
  if (frame === "hour") return start + 600;
  if (frame === "day") return start + 3600;
  const p = zonedParts(start, tz);
  if (frame === "year") return localMidnight(p.month === 12 ? p.year + 1 : p.year, p.month === 12 ? 1 : p.month + 1, 1, tz);
  const next = new Date(Date.UTC(p.year, p.month - 1, p.day + 1));
  return localMidnight(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), tz);
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

export function EnergyChart({ installationId, frame, onFrame, tz, chart, loading, fetching, error, onRetry, theme }: Props) {
  const boxRef = useRef<HTMLDivElement>(null);
  const chartRef = useRef<echarts.ECharts | null>(null);
  const points = useMemo(() => chart?.data_points ?? [], [chart]);
  const scale = useMemo(() => energyScale(points.map((p) => p.value)), [points]);
  const anyEstimated = points.some((p) => p.estimated);
  const total = chart?.total_energy ?? null;

  useEffect(() => {
    const el = boxRef.current;
    if (!el) return;
    const instance = echarts.init(el, undefined, { renderer: "canvas" });
    chartRef.current = instance;
    const ro = new ResizeObserver(() => instance.resize());
    ro.observe(el);
    return () => {
      ro.disconnect();
      instance.dispose();
      chartRef.current = null;
    };
  }, []);

  useEffect(() => {
    const instance = chartRef.current;
    if (!instance) return;
    const bar = cssVar("--bar", "#2f7de1");
    const barEst = cssVar("--bar-estimated", "#9cc2f2");
    const text = cssVar("--muted", "#5b6b7b");
    const grid = cssVar("--border", "#dde3ea");
    const surface = cssVar("--surface", "#fff");
    const fg = cssVar("--text", "#17212b");
    const labels = points.map((p) => bucketLabel(p.timestamp, frame, tz));
    const unitDecimals = decimalsFor(Math.max(0, ...points.map((p) => Math.abs(p.value / scale.divisor))));
    instance.setOption(
      {
        animationDuration: 300,
        grid: { left: 8, right: 12, top: 24, bottom: 4, containLabel: true },
        xAxis: {
          type: "category",
          data: labels,
          axisLabel: { color: text, hideOverlap: true },
          axisLine: { lineStyle: { color: grid } },
          axisTick: { alignWithLabel: true, lineStyle: { color: grid } },
        },
        yAxis: {
          type: "value",
          name: scale.unit,
          nameTextStyle: { color: text, align: "right" },
          axisLabel: { color: text, formatter: (v: number) => formatNumber(v, unitDecimals > 0 ? Math.min(unitDecimals, 2) : 0) },
          splitLine: { lineStyle: { color: grid } },
        },
        tooltip: {
          trigger: "axis",
          axisPointer: { type: "shadow" },
          backgroundColor: surface,
          borderColor: grid,
          textStyle: { color: fg },
          confine: true,
          formatter: (params: unknown) => {
            const list = Array.isArray(params) ? params : [params];
            const i = (list[0] as { dataIndex: number }).dataIndex;
            const p = points[i];
            if (!p) return "";
            const range = bucketRange(p.timestamp, bucketEnd(points, i, frame, tz), frame, tz);
            return (
              `<div style="font-weight:600;margin-bottom:2px">${escapeHtml(range)}</div>` +
              `<div>${escapeHtml(formatEnergy(p.value))}</div>` +
              (p.estimated ? `<div style="opacity:.75;font-style:italic">estimated (gap in signed readings)</div>` : "")
            );
          },
        },
        series: [
          {
            type: "bar",
            barMaxWidth: 36,
            data: points.map((p) => ({
              value: p.value / scale.divisor,
              itemStyle: p.estimated
                ? {
                    color: barEst,
                    borderColor: bar,
                    borderType: "dashed",
                    borderWidth: 1,
                    decal: { symbol: "rect", color: "rgba(255,255,255,0.55)", dashArrayX: [1, 0], dashArrayY: [2, 4], rotation: -Math.PI / 4 },
                  }
                : { color: bar, borderRadius: [3, 3, 0, 0] },
            })),
          },
        ],
      },
      { notMerge: true },
    );
  }, [points, frame, tz, scale, theme]);

  const onTabKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = TIME_FRAMES.indexOf(frame);
    let next: number | null = null;
    if (e.key === "ArrowRight") next = (i + 1) % TIME_FRAMES.length;
    if (e.key === "ArrowLeft") next = (i - 1 + TIME_FRAMES.length) % TIME_FRAMES.length;
    if (e.key === "Home") next = 0;
    if (e.key === "End") next = TIME_FRAMES.length - 1;
    if (next != null) {
      e.preventDefault();
      onFrame(TIME_FRAMES[next]);
      document.getElementById(`tab-${TIME_FRAMES[next]}`)?.focus();
    }
  };

  const exportCsv = () => {
    if (chart) downloadText(csvFileName(installationId, "energy", frame, tz), chartToCsv(chart, frame, tz));
  };

  const now = Date.now() / 1000;
  const ready = !!chart && !error;
  return (
    <section className="card span-12" aria-labelledby="chart-title">
      <div className="card-head">
        <h2 id="chart-title">Energy produced</h2>
        <div className="tabs" role="tablist" aria-label="Time frame" onKeyDown={onTabKey}>
          {TIME_FRAMES.map((f) => (
            <button
              key={f}
              id={`tab-${f}`}
              type="button"
              role="tab"
              aria-selected={f === frame}
              aria-controls="chart-panel"
              tabIndex={f === frame ? 0 : -1}
              onClick={() => onFrame(f)}
              data-testid={`frame-${f}`}
            >
              {FRAME_NAMES[f]}
            </button>
          ))}
        </div>
        <span className="spacer" />
        <button type="button" className="btn btn-small" onClick={exportCsv} disabled={!chart} data-testid="chart-csv">
          Export CSV
        </button>
      </div>

      <div id="chart-panel" role="tabpanel" aria-labelledby={`tab-${frame}`}>
        <div className="stat-row" style={{ alignItems: "baseline", marginBottom: 6 }}>
          <div className="stat">
            <div className="label">Total, {FRAME_HINT[frame]}</div>
            <div className="value" data-testid="chart-total">
              {total != null ? formatScaled(total, energyScale([total])) : "—"}
            </div>
          </div>
          <div className="legend" aria-label="Legend">
            <span>
              <span className="swatch measured" aria-hidden="true" />
              Measured (signed readings)
            </span>
            <span>
              <span className="swatch estimated" aria-hidden="true" />
              Estimated (gap in readings)
            </span>
            <span data-testid="chart-tz">Times in {timeZoneLabel(tz, now)}</span>
          </div>
        </div>

        {error && !chart ? <ErrorBox error={error} what="the energy chart" onRetry={onRetry} /> : null}
        {loading && !chart ? <Loading label="energy chart" lines={4} /> : null}
        <div
          ref={boxRef}
          className="chart-box"
          data-testid="chart"
          data-frame={chart?.time_frame ?? ""}
          data-buckets={ready ? points.length : ""}
          data-loading={fetching ? "true" : "false"}
          role="img"
          aria-label={
            ready
              ? `Bar chart of energy per bucket, ${FRAME_HINT[frame]}, in ${scale.unit}; total ${formatEnergy(total)}${anyEstimated ? "; some buckets estimated" : ""}. The same data is in the table below.`
              : "Energy chart loading"
          }
          style={{ display: error && !chart ? "none" : undefined, visibility: loading && !chart ? "hidden" : undefined }}
        />
        {ready && points.length === 0 && <p className="empty">No energy recorded in this period.</p>}
        {ready && (
          <details className="table-toggle">
            <summary>Show as table ({points.length} buckets)</summary>
            <div className="table-wrap">
              <table className="data" data-testid="chart-table">
                <caption className="sr-only">Energy per bucket, {FRAME_HINT[frame]}</caption>
                <thead>
                  <tr>
                    <th scope="col">Bucket</th>
                    <th scope="col" className="num">
                      Energy
                    </th>
                    <th scope="col">Kind</th>
                  </tr>
                </thead>
                <tbody>
                  {points.map((p, i) => (
                    <tr key={p.timestamp} className={p.estimated ? "estimated" : undefined}>
                      <td>{bucketRange(p.timestamp, bucketEnd(points, i, frame, tz), frame, tz)}</td>
                      <td className="num">{formatScaled(p.value, scale)}</td>
                      <td>{p.estimated ? "estimated" : "measured"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        )}
        {ready && points.length !== BUCKET_COUNT[frame] && points.length > 0 && (
          <p className="muted" style={{ fontSize: "0.8rem" }}>
            {points.length} buckets (expected {BUCKET_COUNT[frame]} for this frame).
          </p>
        )}
      </div>
    </section>
  );
}
