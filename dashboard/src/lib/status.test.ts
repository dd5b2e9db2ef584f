import { describe, expect, it } from "vitest";
import type { Health, Status } from "./api";
import { computeOverall, failingChecks } from "./status";

const status = (over: Partial<Status> = {}): Status => ({
  installation_id: 1,
  overall: "ok",
  problems: [],
  device_connection: { state: "online", since: "2026-01-01T00:00:00Z", boot: 3 },
  liveness: { state: "live", last_reading_at: 1767225642, last_reading_age_s: 4, expected_interval_s: 10 },
  anchoring: { state: "fresh", last_batch_id: 5, last_anchored_at: "2026-01-01T00:00:00Z", age_s: 300, blockchain_tx_hash: "0xab", blockchain_block_number: 12 },
  ...over,
});
const up: Health = { status: "UP", checks: { database: "UP", kafka: { status: "UP" } } };

describe("overall status", () => {
  it("is ok when every part is", () => {
    const o = computeOverall(status(), up, null);
    expect(o.tone).toBe("ok");
    expect(o.headline).toBe("All systems normal");
    expect(o.problems).toEqual([]);
    expect(o.parts.map((p) => p.part)).toEqual(["device", "liveness", "backend", "anchoring"]);
  });

  it("names the wrong parts: a dead device and a stale anchor", () => {
    const o = computeOverall(
      status({
        overall: "down",
        problems: ["no reading for 5 min"],
        device_connection: { state: "offline", since: null, boot: null },
        liveness: { state: "dead", last_reading_at: 1, last_reading_age_s: 300, expected_interval_s: 10 },
        anchoring: { state: "stale", last_batch_id: 5, last_anchored_at: null, age_s: 7200, blockchain_tx_hash: null, blockchain_block_number: null },
      }),
      up,
      null,
    );
    expect(o.tone).toBe("bad");
    expect(o.headline).toBe("Down: device connection, device liveness, anchoring");
    expect(o.problems).toEqual([
      "Device offline (MQTT last will received)",
      "No signed reading for 5 min (expected every 10 s)",
      "Anchoring stale: last batch anchored 2 h ago",
      "no reading for 5 min",
    ]);
  });

  it("names a degraded backend and its failing checks", () => {
    const h: Health = { status: "DEGRADED", checks: { database: "UP", kafka: { status: "DOWN" }, anchoring: "DEGRADED" } };
    expect(failingChecks(h)).toEqual(["kafka: DOWN", "anchoring: DEGRADED"]);
    const o = computeOverall(status(), h, null);
    expect(o.tone).toBe("warn");
    expect(o.headline).toBe("Degraded: backend health");
    expect(o.problems).toEqual(["Backend DEGRADED (kafka: DOWN, anchoring: DEGRADED)"]);
  });

  it("treats an unreachable backend as down and never reports better than the server", () => {
    expect(computeOverall(status(), undefined, new Error("x")).headline).toBe("Down: backend health");
    expect(computeOverall(status({ overall: "degraded", problems: ["clock skew"] }), up, null)).toMatchObject({
      tone: "warn",
      headline: "Degraded",
      problems: ["clock skew"],
    });
    expect(computeOverall(undefined, undefined, null).headline).toBe("Status unknown");
  });
});
