/**
 * Latest records: time, power, register, verification state (verified / disputed / anomaly / quarantined with
 * reason, and a "late" badge for readings accepted after the age limit), on-chain state with tx hash and block, a "Verify" action for anchored readings; the quarantine list;
 * CSV export of the readings of a period.
 */
import { useState } from "react";
import { fetchAllReadings, type QuarantineItem, type Reading } from "../lib/api";
import type { ChainInfo } from "../lib/verify";
import { csvFileName, readingsToCsv } from "../lib/csv";
import { formatPower, formatRegister } from "../lib/format";
import { formatDateTimeZoned, formatTime, localDate, localDateToUnix, zoneSuffix } from "../lib/time";
import { Badge, downloadText, ErrorBox, errorText, Loading, TxLink, type Tone } from "./common";

interface Props {
  installationId: number;
  readings: Reading[] | undefined;
  readingsError: unknown;
  quarantine: QuarantineItem[] | undefined;
  quarantineError: unknown;
  chain: ChainInfo | undefined;
  tz: string;
  onVerify: (r: Reading) => void;
  onRetry: () => void;
}

const STATUS_TONE: Record<Reading["status"], Tone> = { verified: "ok", disputed: "bad", anomaly: "warn", quarantined: "bad" };

/** What a register state badge says, and its explanation. */
export const REGISTER_STATE_BADGE: Record<"glitch" | "held" | "excess", { text: string; title: string }> = {
  glitch: {
    text: "register glitch",
    title: "The register dropped and came back to its previous level: no energy is booked for the drop or the jump back",
  },
  held: {
    text: "register drop held",
    title: "The register dropped; the next reading decides between a glitch and a restart, nothing is booked until then",
  },
  excess: {
    text: "above capacity",
    title: "The register rose by more than the installation's capacity can produce in that time: the excess is not booked",
  },
};

/**
 * Status badge, a "late" badge when the reading arrived after the age limit (SPEC.md §8), a register badge when the
 * energy booking flagged the reading's register (glitch, held drop, above capacity), and the reason.
 */
export function VerificationCell({ r }: { r: Reading }) {
  return (
    <>
      <Badge tone={STATUS_TONE[r.status] ?? "neutral"}>
        {r.status === "verified" ? "✓ " : r.status === "anomaly" ? "! " : "✗ "}
        {r.status}
      </Badge>
      {r.late && (
        <>
          {" "}
          <Badge tone="info" title="Received after the 72 h age limit; stored because it continues the device's sequence">
            late
          </Badge>
        </>
      )}
      {r.register_state && REGISTER_STATE_BADGE[r.register_state] && (
        <>
          {" "}
          <Badge tone="warn" title={REGISTER_STATE_BADGE[r.register_state].title}>
            {REGISTER_STATE_BADGE[r.register_state].text}
          </Badge>
        </>
      )}
      {r.verification_error && <span className="reason">{r.verification_error}</span>}
    </>
  );
}

function ChainCell({ r, chain, onVerify }: { r: Reading; chain: ChainInfo | undefined; onVerify: (r: Reading) => void }) {
  if (r.is_on_chain) {
    return (
      <div className="chain-cell">
        <span>
          <Badge tone="ok">anchored</Badge>{" "}
          {r.batch_id != null && (
            <button type="button" className="btn btn-small" onClick={() => onVerify(r)} data-testid="verify-button" aria-label={`Verify reading ${r.id} in your browser`}>
              Verify
            </button>
          )}
        </span>
        <span className="reason">
          batch {r.batch_id ?? "?"} · block {r.blockchain_block_number ?? "?"} · tx{" "}
          <TxLink hash={r.blockchain_tx_hash} template={chain?.explorer_tx_url_template} compact />
        </span>
      </div>
    );
  }
  if (r.batch_id != null) return <Badge tone="info">sealed in batch {r.batch_id}</Badge>;
  return <Badge tone="neutral">pending</Badge>;
}

export function RecordsTable({ installationId, readings, readingsError, quarantine, quarantineError, chain, tz, onVerify, onRetry }: Props) {
  const today = localDate(Date.now() / 1000, tz);
  const [from, setFrom] = useState(today);
  const [to, setTo] = useState(today);
  const [exporting, setExporting] = useState(false);
  const [exportMsg, setExportMsg] = useState<string | null>(null);
  const [tab, setTab] = useState<"readings" | "quarantine">("readings");

  const exportReadings = async () => {
    setExporting(true);
    setExportMsg(null);
    try {
      const start = localDateToUnix(from, tz);
      const endDay = new Date(Date.parse(`${to}T00:00:00Z`) + 86400_000).toISOString().slice(0, 10);
      const end = localDateToUnix(endDay, tz);
      if (end <= start) throw new Error("the end date is before the start date");
      const { readings: rows, truncated } = await fetchAllReadings(installationId, start, end);
      downloadText(csvFileName(installationId, "readings", from, to), readingsToCsv(rows, tz));
      setExportMsg(`${rows.length} readings exported${truncated ? " (capped at 100 000)" : ""}.`);
    } catch (e) {
      setExportMsg(`Export failed: ${errorText(e)}`);
    } finally {
      setExporting(false);
    }
  };

  return (
    <section className="card span-7" aria-labelledby="records-title">
      <div className="card-head">
        <h2 id="records-title">Latest records</h2>
        <div className="tabs" role="tablist" aria-label="Records">
          <button type="button" role="tab" aria-selected={tab === "readings"} onClick={() => setTab("readings")}>
            Readings
          </button>
          <button type="button" role="tab" aria-selected={tab === "quarantine"} onClick={() => setTab("quarantine")} data-testid="tab-quarantine">
            Quarantine{quarantine ? ` (${quarantine.length})` : ""}
          </button>
        </div>
      </div>

      {tab === "readings" ? (
        readingsError && !readings ? (
          <ErrorBox error={readingsError} what="readings" onRetry={onRetry} />
        ) : !readings ? (
          <Loading label="readings" lines={5} />
        ) : readings.length === 0 ? (
          <p className="empty">No readings yet.</p>
        ) : (
          <div className="table-wrap">
            <table className="data" data-testid="records">
              <caption className="sr-only">Latest readings, newest first, times in {tz}</caption>
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col" className="num">
                    Power
                  </th>
                  <th scope="col" className="num">
                    Register
                  </th>
                  <th scope="col">Verification</th>
                  <th scope="col">On chain</th>
                </tr>
              </thead>
              <tbody>
                {readings.map((r) => (
                  <tr key={r.id} data-reading-id={r.id} data-status={r.status} data-late={r.late ? "true" : "false"} data-register-state={r.register_state ?? ""} data-on-chain={r.is_on_chain ? "true" : "false"}>
                    <td>
                      <span className="when">
                        {formatTime(r.timestamp, tz)} {zoneSuffix(tz, r.timestamp)}
                      </span>
                      <span className="reason">
                        {localDate(r.timestamp, tz)} · boot {r.boot} · seq {r.seq}
                      </span>
                    </td>
                    <td className="num">{formatPower(r.power_w)}</td>
                    <td className="num">{formatRegister(r.total_wh)}</td>
                    <td className="wrap">
                      <VerificationCell r={r} />
                    </td>
                    <td className="wrap">
                      <ChainCell r={r} chain={chain} onVerify={onVerify} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      ) : quarantineError && !quarantine ? (
        <ErrorBox error={quarantineError} what="quarantined readings" onRetry={onRetry} />
      ) : !quarantine ? (
        <Loading label="quarantine" lines={3} />
      ) : quarantine.length === 0 ? (
        <p className="empty">Nothing quarantined: every message received for this installation's keys was accepted.</p>
      ) : (
        <div className="table-wrap">
          <table className="data" data-testid="quarantine">
            <caption className="sr-only">Quarantined messages with their reason</caption>
            <thead>
              <tr>
                <th scope="col">Received</th>
                <th scope="col">Reason</th>
                <th scope="col">Boot / seq</th>
              </tr>
            </thead>
            <tbody>
              {quarantine.map((q) => (
                <tr key={q.id}>
                  <td>{formatDateTimeZoned(Date.parse(q.received_at) / 1000, tz)}</td>
                  <td className="wrap">
                    <Badge tone="bad">✗ {q.reason}</Badge>
                    {q.detail && <span className="reason">{q.detail}</span>}
                  </td>
                  <td>{q.boot != null ? `${q.boot} / ${q.seq ?? "?"}` : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <form
        className="verify-controls"
        style={{ marginTop: 14 }}
        onSubmit={(e) => {
          e.preventDefault();
          void exportReadings();
        }}
        aria-label="Export readings as CSV"
      >
        <label className="field" style={{ flex: "0 1 160px" }}>
          From ({tz})
          <input type="date" value={from} max={to} onChange={(e) => setFrom(e.target.value)} required />
        </label>
        <label className="field" style={{ flex: "0 1 160px" }}>
          To
          <input type="date" value={to} min={from} onChange={(e) => setTo(e.target.value)} required />
        </label>
        <button type="submit" className="btn" disabled={exporting} data-testid="readings-csv">
          {exporting ? "Exporting…" : "Export readings CSV"}
        </button>
        {exportMsg && (
          <span className="muted" role="status" style={{ fontSize: "0.85rem" }}>
            {exportMsg}
          </span>
        )}
      </form>
    </section>
  );
}
