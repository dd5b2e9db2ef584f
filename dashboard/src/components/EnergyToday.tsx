/** Energy summary card: today's production, lifetime register, chart period total. */
import type { Summary } from "../lib/api";
import { formatEnergy, formatNumber } from "../lib/format";
import { ErrorBox, Loading } from "./common";

export function EnergyToday({ summary, capacityW, loading, error, onRetry }: { summary: Summary | undefined; capacityW: number | null | undefined; loading: boolean; error: unknown; onRetry: () => void }) {
  // specific yield: kWh produced per kWp installed (= full-load hours)
  const specificYield = summary?.today_energy_wh != null && capacityW ? summary.today_energy_wh / capacityW : null;
  return (
    <section className="card today-card span-4" aria-labelledby="energy-title">
      <div className="card-head">
        <h2 id="energy-title">Energy</h2>
      </div>
      {error && !summary ? (
        <ErrorBox error={error} what="the energy summary" onRetry={onRetry} />
      ) : loading && !summary ? (
        <Loading label="energy" lines={2} />
      ) : (
        <div className="stat-row">
          <div className="stat">
            <div className="label">Today</div>
            <div className="value" data-testid="today-energy">
              {formatEnergy(summary?.today_energy_wh)}
            </div>
          </div>
          <div className="stat">
            <div className="label">Lifetime</div>
            <div className="value">{formatEnergy(summary?.lifetime_energy_wh)}</div>
          </div>
          <div className="stat">
            <div className="label">Yield today</div>
            <div className="value">
              {specificYield != null ? formatNumber(specificYield, 2) : "—"}
              <span className="muted" style={{ fontSize: "0.8rem", fontWeight: 500 }}> kWh/kWp</span>
            </div>
          </div>
        </div>
      )}
      <p className="muted" style={{ fontSize: "0.8rem", margin: "12px 0 0" }}>
        From the meter's signed energy register; every value below can be checked against the device's signature
        and the on-chain Merkle root.
      </p>
    </section>
  );
}
