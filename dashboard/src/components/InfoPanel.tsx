/** General information about the installation: identity of meter and device key, capacity, place, uptime, energy. */
import type { Attestation, Installation, Summary } from "../lib/api";
import { formatCoordinates, formatDuration, formatEnergy, formatMac, formatPower } from "../lib/format";
import { formatDateTimeZoned, timeZoneLabel } from "../lib/time";
import { Badge, Hex, Loading } from "./common";

/** "Attested by <anchor subject>" with the device certificate in the title, or "Not attested". */
export function AttestationInfo({ attestation }: { attestation: Attestation | undefined }) {
  if (!attestation?.attested) {
    return <span className="muted">Not attested</span>;
  }
  const title = `Device certificate ${attestation.device_subject ?? "?"} (serial ${attestation.device_serial ?? "?"}), checked ${attestation.checked_at ?? "?"}`;
  return <span title={title}>Attested by {attestation.anchor_subject}</span>;
}

export function InfoPanel({ installation, summary, now, tz }: { installation: Installation | undefined; summary: Summary | undefined; now: number; tz: string }) {
  const nowS = now / 1000;
  // uptime since boot grows with the clock between summary refreshes
  const uptime =
    summary?.uptime_s != null && summary.last_reading_at != null
      ? summary.uptime_s + Math.max(0, nowS - summary.last_reading_at)
      : summary?.uptime_s ?? null;
  return (
    <section className="card span-5" aria-labelledby="info-title" data-testid="info-panel">
      <div className="card-head">
        <h2 id="info-title">Installation</h2>
        {installation && (
          <Badge tone={installation.is_active ? "ok" : "neutral"}>{installation.is_active ? "active" : "inactive"}</Badge>
        )}
      </div>
      {!installation ? (
        <Loading label="installation" lines={6} />
      ) : (
        <dl className="kv">
          <dt>Name</dt>
          <dd>{installation.name}</dd>
          <dt>Meter MAC</dt>
          <dd className="mono">{formatMac(installation.shelly_mac)}</dd>
          <dt>Device id</dt>
          <dd className="mono">{installation.device_id}</dd>
          <dt>Key fingerprint</dt>
          <dd>
            <Hex value={installation.key_fingerprint} keep={8} label="key fingerprint" />
          </dd>
          <dt>Public key</dt>
          <dd>
            <Hex value={installation.public_key} keep={8} label="public key" />
          </dd>
          <dt>Attestation</dt>
          <dd data-testid="attestation">
            <AttestationInfo attestation={installation.attestation} />
          </dd>
          <dt>Capacity</dt>
          <dd>{formatPower(installation.capacity_w)}</dd>
          <dt>Location</dt>
          <dd>{formatCoordinates(installation.latitude, installation.longitude)}</dd>
          <dt>Time zone</dt>
          <dd>{timeZoneLabel(installation.timezone, nowS)}</dd>
          <dt>Uptime since boot</dt>
          <dd>
            {formatDuration(uptime)}
            {summary?.boot != null ? <span className="muted"> (boot {summary.boot})</span> : null}
          </dd>
          <dt>Lifetime energy</dt>
          <dd>{formatEnergy(summary?.lifetime_energy_wh)}</dd>
          <dt>First reading</dt>
          <dd>{summary?.first_reading_at != null ? formatDateTimeZoned(summary.first_reading_at, tz) : "—"}</dd>
          {installation.keys?.length > 1 && (
            <>
              <dt>Key history</dt>
              <dd>
                {installation.keys.map((k) => (
                  <div key={k.device_id} className="mono">
                    {k.device_id} {k.retired_at ? <span className="muted">retired {k.retired_at.slice(0, 10)}</span> : <Badge tone="ok">current</Badge>}
                  </div>
                ))}
              </dd>
            </>
          )}
        </dl>
      )}
    </section>
  );
}
