/** System status: device connection, liveness, backend health, anchoring freshness, and the overall state. */
import type { ChainInfo } from "../lib/verify";
import type { Health, Status } from "../lib/api";
import { formatAge, formatDuration } from "../lib/format";
import { computeOverall } from "../lib/status";
import { formatDateTimeZoned } from "../lib/time";
import { useState } from "react";
import { api } from "../lib/api";
import { Badge, ErrorBox, errorText, Loading, TxLink } from "./common";

interface Props {
  status: Status | undefined;
  statusError: unknown;
  health: Health | undefined;
  healthError: unknown;
  chain: ChainInfo | undefined;
  now: number;
  tz: string;
  onRetry: () => void;
  installationId: number;
  /** Opens the in-browser verification of one reading of a batch. */
  onVerify: (readingId: number, batchId: number) => void;
}

/**
 * Button verifying one reading of the last anchored batch (newest records may not be anchored yet):
 * fetches GET /api/v1/batches/{id} and picks this installation's newest reading in it.
 */
function VerifyFromBatch({ batchId, installationId, onVerify }: { batchId: number; installationId: number; onVerify: (r: number, b: number) => void }) {
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<string | null>(null);
  const go = async () => {
    setBusy(true);
    setErr(null);
    try {
      const b = await api.batch(batchId);
      const mine = (b.readings ?? []).filter((r) => r.installation_id === installationId);
      const pick = (mine.length ? mine : b.readings ?? []).reduce<{ id: number; timestamp: number } | null>((best, r) => (!best || r.timestamp > best.timestamp ? r : best), null);
      if (!pick) throw new Error(`batch ${batchId} lists no readings`);
      onVerify(pick.id, batchId);
    } catch (e) {
      setErr(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className="btn btn-small" onClick={() => void go()} disabled={busy} data-testid="verify-batch">
        {busy ? "Loading…" : "Verify a reading"}
      </button>
      {err && <span role="alert"> {err}</span>}
    </>
  );
}

const iso = (s: string | null) => (s ? Date.parse(s) / 1000 : null);

export function StatusPanel({ status, statusError, health, healthError, chain, now, tz, onRetry, installationId, onVerify }: Props) {
  const overall = computeOverall(status, health, healthError);
  const part = (p: string) => overall.parts.find((x) => x.part === p);
  const nowS = now / 1000;
  const dc = status?.device_connection;
  const lv = status?.liveness;
  const an = status?.anchoring;
  const lastReadingAge = lv?.last_reading_at != null ? nowS - lv.last_reading_at : lv?.last_reading_age_s ?? null;
  const anchoredAt = iso(an?.last_anchored_at ?? null);

  return (
    <section className="card span-4" aria-labelledby="status-title" data-testid="status-panel">
      <div className="card-head">
        <h2 id="status-title">System status</h2>
      </div>
      {statusError && !status ? (
        <ErrorBox error={statusError} what="the installation status" onRetry={onRetry} />
      ) : !status ? (
        <Loading label="status" lines={4} />
      ) : (
        <>
          <div className={`overall ${overall.tone === "neutral" ? "" : overall.tone}`} data-testid="overall" data-tone={overall.tone} role="status">
            <div>
              <strong>{overall.headline}</strong>
              {overall.problems.length > 0 && (
                <ul>
                  {overall.problems.map((p) => (
                    <li key={p}>{p}</li>
                  ))}
                </ul>
              )}
            </div>
          </div>
          <ul className="status-list">
            <li>
              <span>Device connection</span>
              <Badge tone={part("device")?.tone ?? "neutral"}>{dc?.state}</Badge>
              <span className="sub">
                MQTT birth / last will{dc?.since ? ` · since ${formatDateTimeZoned(iso(dc.since)!, tz)}` : ""}
                {dc?.boot != null ? ` · boot ${dc.boot}` : ""}
              </span>
            </li>
            <li>
              <span>Device liveness</span>
              <Badge tone={part("liveness")?.tone ?? "neutral"}>{lv?.state}</Badge>
              <span className="sub">
                Last signed reading {formatAge(lastReadingAge)} · expected every {lv?.expected_interval_s} s
              </span>
            </li>
            <li>
              <span>Backend health</span>
              <Badge tone={part("backend")?.tone ?? "neutral"}>{part("backend")?.state ?? "…"}</Badge>
              <span className="sub">
                {health
                  ? Object.entries(health.checks ?? {})
                      .map(([k, v]) => `${k} ${typeof v === "string" ? v : ((v as { status?: string })?.status ?? "?")}`)
                      .join(" · ") || "no checks reported"
                  : healthError
                    ? "GET /health failed"
                    : "checking…"}
              </span>
            </li>
            <li>
              <span>Anchoring</span>
              <Badge tone={part("anchoring")?.tone ?? "neutral"}>{an?.state}</Badge>
              <span className="sub">
                {an?.last_batch_id != null ? (
                  <>
                    Batch {an.last_batch_id} anchored {formatAge(anchoredAt != null ? nowS - anchoredAt : an.age_s)}
                    {an.blockchain_block_number != null ? ` · block ${an.blockchain_block_number}` : ""} · tx{" "}
                    <TxLink hash={an.blockchain_tx_hash} template={chain?.explorer_tx_url_template} compact />{" "}
                    <VerifyFromBatch batchId={an.last_batch_id} installationId={installationId} onVerify={onVerify} />
                  </>
                ) : (
                  "No batch anchored yet"
                )}
                {an?.age_s != null && an.state === "stale" ? ` (${formatDuration(an.age_s)})` : ""}
              </span>
            </li>
          </ul>
        </>
      )}
    </section>
  );
}
