/**
 * CSV export (RFC 4180: comma separator, CRLF line ends, fields quoted when they hold a comma, quote or line
 * break, quotes doubled). Values are written in base units (W, Wh) with full precision, times both as Unix
 * seconds and as local time in the chosen zone.
 */
import type { ChartResponse, Reading } from "./api";
import { formatDateTime, zoneSuffix, type TimeFrame } from "./time";

export type Cell = string | number | boolean | null | undefined;

/** One field, quoted when needed; null/undefined become empty. */
export function csvField(value: Cell): string {
  if (value == null) return "";
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A whole CSV document: header line, then rows, each ended by CRLF. */
export function toCsv(header: string[], rows: Cell[][]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(",") + "\r\n").join("");
}

/** Readings as CSV (newest first as given). */
export function readingsToCsv(readings: Reading[], tz: string): string {
  const header = [
    "id",
    "timestamp_unix_s",
    `local_time_${tz}`,
    "power_w",
    "total_wh",
    "status",
    "verification_error",
    "late",
    "register_state",
    "device_id",
    "boot",
    "seq",
    "batch_id",
    "is_on_chain",
    "blockchain_tx_hash",
    "blockchain_block_number",
    "message",
    "signature",
  ];
  const rows = readings.map((r) => [
    r.id,
    r.timestamp,
    `${formatDateTime(r.timestamp, tz)} ${zoneSuffix(tz, r.timestamp)}`,
    r.power_w,
    r.total_wh,
    r.status,
    r.verification_error,
    r.late === true,
    r.register_state ?? null,
    r.device_id,
    r.boot,
    r.seq,
    r.batch_id,
    r.is_on_chain,
    r.blockchain_tx_hash,
    r.blockchain_block_number,
    r.message,
    r.signature,
  ]);
  return toCsv(header, rows);
}

/** Chart buckets as CSV, with a final total row. */
export function chartToCsv(chart: ChartResponse, frame: TimeFrame, tz: string): string {
  const header = ["time_frame", "bucket_start_unix_s", `bucket_start_${tz}`, "label", "energy_wh", "estimated"];
  const rows: Cell[][] = chart.data_points.map((p) => [
    frame,
    p.timestamp,
    `${formatDateTime(p.timestamp, tz)} ${zoneSuffix(tz, p.timestamp)}`,
    p.label,
    p.value,
    p.estimated,
  ]);
  rows.push([frame, null, null, "total", chart.total_energy, chart.data_points.some((p) => p.estimated)]);
  return toCsv(header, rows);
}

/** A file name like "wattwitness-3-readings-2026-01-01_2026-01-02.csv" (only safe characters). */
export function csvFileName(...parts: (string | number)[]): string {
  return `wattwitness-${parts.map((p) => String(p).replace(/[^0-9A-Za-z._-]+/g, "_")).join("-")}.csv`;
}
