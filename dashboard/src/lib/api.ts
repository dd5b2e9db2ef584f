/**
 * Client for the query-service API (its OpenAPI at /q/openapi: /api/v1, JSON snake_case, errors as
 * application/problem+json). Paths are relative to the page's origin unless VITE_API_BASE is set at build time
 * (dev against another host).
 */
import type { ChainInfo, ReadingProof } from "./verify";
import type { TimeFrame } from "./time";

export const API_BASE: string = (import.meta.env?.VITE_API_BASE as string | undefined)?.replace(/\/$/, "") ?? "";

export interface DeviceKeyInfo {
  public_key: string;
  device_id: string;
  valid_from: string;
  retired_at: string | null;
}

export interface Installation {
  id: number;
  name: string;
  shelly_mac: string;
  public_key: string;
  device_id: string;
  timezone: string;
  latitude: number | null;
  longitude: number | null;
  capacity_w: number | null;
  created_at: string;
  updated_at: string;
  is_active: boolean;
  key_fingerprint: string;
  keys: DeviceKeyInfo[];
  /** Certificate chain of the meter's secure element; absent from servers that predate attestation. */
  attestation?: Attestation;
}

/**
 * Whether the installation's current key was attested by a certificate chain (device certificate → signer →
 * configured manufacturer root) at registration: `{attested: false}` or every member present.
 */
export interface Attestation {
  attested: boolean;
  /** Device certificate subject (RFC 4514). */
  device_subject?: string;
  /** Device certificate serial, lowercase hex. */
  device_serial?: string;
  /** Subject of the trust anchor (manufacturer root) the chain led to. */
  anchor_subject?: string;
  /** When query-service checked the chain, ISO 8601. */
  checked_at?: string;
}

export interface Summary {
  installation_id: number;
  current_power_w: number | null;
  last_reading_at: number | null;
  last_reading_age_s: number | null;
  today_energy_wh: number | null;
  lifetime_energy_wh: number | null;
  first_reading_at: number | null;
  boot: number | null;
  uptime_s: number | null;
  timezone: string;
}

export type Overall = "ok" | "degraded" | "down";

export interface Status {
  installation_id: number;
  overall: Overall;
  problems: string[];
  device_connection: { state: "online" | "offline" | "unknown"; since: string | null; boot: number | null };
  liveness: {
    state: "live" | "stale" | "dead" | "unknown";
    last_reading_at: number | null;
    last_reading_age_s: number | null;
    expected_interval_s: number;
  };
  anchoring: {
    state: "fresh" | "stale" | "none";
    last_batch_id: number | null;
    last_anchored_at: string | null;
    age_s: number | null;
    blockchain_tx_hash: string | null;
    blockchain_block_number: number | null;
  };
}

export type ReadingStatus = "verified" | "disputed" | "anomaly" | "quarantined";

export interface Reading {
  id: number;
  installation_id: number;
  power_w: number;
  total_wh: number;
  timestamp: number;
  timestamp_ms: number;
  signature: string;
  is_verified: boolean;
  created_at: string;
  device_id: string;
  boot: number;
  seq: number;
  message: string;
  verification_error: string | null;
  status: ReadingStatus;
  batch_id: number | null;
  is_on_chain: boolean;
  blockchain_tx_hash: string | null;
  blockchain_block_number: number | null;
  /**
   * Older than the backend's age limit (72 h) when received, stored because it continues the device's sequence
   * (reading-format SPEC.md §8). Absent from servers older than the flag.
   */
  late?: boolean;
  /**
   * What the energy booking made of the register (query-service README, Energy): "glitch" (a transient drop that
   * came back, no energy booked for it), "held" (a drop not yet decided by a later reading, nothing booked yet),
   * "excess" (a rise beyond capacity × time, the excess not booked); null or absent for an ordinary reading.
   */
  register_state?: "glitch" | "held" | "excess" | null;
}

export interface ReadingsPage {
  readings: Reading[];
  next_cursor: string | null;
}

export interface QuarantineItem {
  id: number;
  received_at: string;
  reason: string;
  detail: string;
  device_id: string | null;
  boot: number | null;
  seq: number | null;
  raw: string;
}

export interface ChartPoint {
  label: string;
  value: number;
  timestamp: number;
  estimated: boolean;
}

export interface ChartResponse {
  data_points: ChartPoint[];
  time_frame: TimeFrame;
  total_energy: number;
  unit: "Wh";
  timezone: string;
}

export interface Batch {
  batch_id: number;
  merkle_root: string;
  reading_count: number;
  first_reading_time: number;
  last_reading_time: number;
  sealed_at: string;
  is_on_chain: boolean;
  blockchain_tx_hash: string | null;
  blockchain_block_number: number | null;
  readings?: { id: number; installation_id: number; device_id: string; message: string; signature: string; timestamp: number }[];
}

export interface Health {
  status: "UP" | "DEGRADED" | "DOWN";
  checks: Record<string, unknown>;
}

/** An API failure: HTTP status and the problem document's title/detail when there is one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string | null,
    readonly path: string,
  ) {
    super(detail ? `${title}: ${detail}` : title);
    this.name = "ApiError";
  }
}

/**
 * GET a JSON document.
 * @throws ApiError on HTTP errors (status 0 for network failures)
 */
export async function getJson<T>(path: string, signal?: AbortSignal, fetchImpl: typeof fetch = fetch): Promise<T> {
  let res: Response;
  try {
    res = await fetchImpl(API_BASE + path, { headers: { Accept: "application/json" }, signal });
  } catch (e) {
    if ((e as Error).name === "AbortError") throw e;
    throw new ApiError(0, "Network error", (e as Error).message, path);
  }
  if (!res.ok) {
    let title = res.statusText || `HTTP ${res.status}`;
    let detail: string | null = null;
    try {
      const body = await res.json();
      title = body.title ?? title;
      detail = body.detail ?? null;
    } catch {
      // not a problem document
    }
    throw new ApiError(res.status, title, detail, path);
  }
  return (await res.json()) as T;
}

const enc = encodeURIComponent;

/** The API's paths, in one place. */
export const paths = {
  installations: () => `/api/v1/installations/`,
  installation: (id: number) => `/api/v1/installations/${id}`,
  summary: (id: number) => `/api/v1/installations/${id}/summary`,
  status: (id: number) => `/api/v1/installations/${id}/status`,
  readings: (id: number, q: { start?: number; end?: number; limit?: number; cursor?: string | null } = {}) => {
    const p = new URLSearchParams();
    if (q.start != null) p.set("start", String(q.start));
    if (q.end != null) p.set("end", String(q.end));
    if (q.limit != null) p.set("limit", String(q.limit));
    if (q.cursor) p.set("cursor", q.cursor);
    const s = p.toString();
    return `/api/v1/readings/${id}${s ? `?${s}` : ""}`;
  },
  quarantine: (id: number, limit = 50) => `/api/v1/readings/${id}/quarantine?limit=${limit}`,
  latest: (id: number) => `/api/v1/readings/latest/${id}`,
  chart: (id: number, frame: TimeFrame, tz: string) => `/api/v1/readings/${id}/chart?time_frame=${frame}&tz=${enc(tz)}`,
  stream: (id: number) => `/api/v1/readings/${id}/stream`,
  batch: (batchId: number) => `/api/v1/batches/${batchId}`,
  proof: (batchId: number, readingId: number) => `/api/v1/batches/${batchId}/proof/${readingId}`,
  chain: () => `/api/v1/chain`,
  health: () => `/health`,
};

export const api = {
  installations: (s?: AbortSignal) => getJson<Installation[]>(paths.installations(), s),
  summary: (id: number, s?: AbortSignal) => getJson<Summary>(paths.summary(id), s),
  status: (id: number, s?: AbortSignal) => getJson<Status>(paths.status(id), s),
  readings: (id: number, q: Parameters<typeof paths.readings>[1], s?: AbortSignal) => getJson<ReadingsPage>(paths.readings(id, q), s),
  latest: (id: number, s?: AbortSignal) => getJson<Reading>(paths.latest(id), s),
  quarantine: (id: number, s?: AbortSignal) => getJson<{ items: QuarantineItem[] }>(paths.quarantine(id), s),
  chart: (id: number, frame: TimeFrame, tz: string, s?: AbortSignal) => getJson<ChartResponse>(paths.chart(id, frame, tz), s),
  batch: (batchId: number, s?: AbortSignal) => getJson<Batch>(paths.batch(batchId), s),
  proof: (batchId: number, readingId: number, s?: AbortSignal) => getJson<ReadingProof>(paths.proof(batchId, readingId), s),
  chain: (s?: AbortSignal) => getJson<ChainInfo>(paths.chain(), s),
  health: (s?: AbortSignal) => getHealth(s),
};

/**
 * GET /health. A DOWN backend answers 503 with the same document, so any JSON body with a status is returned;
 * @throws ApiError when there is no health document at all
 */
export async function getHealth(signal?: AbortSignal, fetchImpl: typeof fetch = fetch): Promise<Health> {
  let res: Response;
  try {
    res = await fetchImpl(API_BASE + paths.health(), { headers: { Accept: "application/json" }, signal });
  } catch (e) {
    if ((e as Error).name === "AbortError") throw e;
    throw new ApiError(0, "Network error", (e as Error).message, paths.health());
  }
  try {
    const body = (await res.json()) as Health;
    if (body && typeof body.status === "string") return body;
  } catch {
    // fall through
  }
  throw new ApiError(res.status, `HTTP ${res.status}`, "no health document", paths.health());
}

/**
 * Every reading of a period, following next_cursor (newest first), at most `max` rows.
 * @returns the readings and whether the cap cut the list
 */
export async function fetchAllReadings(
  id: number,
  start: number,
  end: number,
  max = 100_000,
): Promise<{ readings: Reading[]; truncated: boolean }> {
  const out: Reading[] = [];
  let cursor: string | null = null;
  do {
    const page: ReadingsPage = await api.readings(id, { start, end, limit: 1000, cursor });
    out.push(...page.readings);
    cursor = page.next_cursor;
  } while (cursor && out.length < max);
  return { readings: out.slice(0, max), truncated: out.length >= max && cursor != null };
}
