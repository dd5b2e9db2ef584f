import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { Reading } from "../lib/api";
import { VerificationCell } from "./RecordsTable";

const reading: Reading = {
  id: 9,
  installation_id: 1,
  power_w: 1200,
  total_wh: 5000,
  timestamp: 1767225642,
  timestamp_ms: 1767225642000,
  signature: "ab",
  is_verified: true,
  created_at: "2026-01-04T00:00:43Z",
  device_id: "39bbdb115a7d41cb",
  boot: 7,
  seq: 42,
  message: "cd",
  verification_error: null,
  status: "verified",
  batch_id: null,
  is_on_chain: false,
  blockchain_tx_hash: null,
  blockchain_block_number: null,
};

function cell(r: Reading): string {
  return renderToStaticMarkup(createElement(VerificationCell, { r }));
}

describe("records table verification cell", () => {
  it("shows a late badge next to the status of a reading accepted after the age limit", () => {
    const html = cell({ ...reading, late: true });
    expect(html).toContain("verified</span>");
    expect(html).toMatch(/<span class="badge[^"]*"[^>]*title="Received after the 72 h age limit[^"]*"[^>]*>late<\/span>/);
  });

  it("shows no late badge for a reading received in time or from a server without the flag", () => {
    expect(cell({ ...reading, late: false })).not.toContain(">late<");
    expect(cell(reading)).not.toContain(">late<");
    const anomaly = cell({ ...reading, status: "anomaly", verification_error: "register_decreased", late: true });
    expect(anomaly).toContain("register_decreased");
    expect(anomaly).toContain(">late<");
  });

  it("marks a register glitch, a held drop and a rise above capacity with a visible label", () => {
    const glitch = cell({ ...reading, total_wh: 0, register_state: "glitch" });
    expect(glitch).toMatch(/<span class="badge[^"]*"[^>]*title="The register dropped and came back[^"]*"[^>]*>register glitch<\/span>/);
    expect(glitch).toContain("verified</span>");
    expect(cell({ ...reading, register_state: "held" })).toContain(">register drop held<");
    expect(cell({ ...reading, register_state: "excess" })).toContain(">above capacity<");
    expect(cell({ ...reading, register_state: null })).not.toContain("register");
    expect(cell(reading)).not.toContain("register");
  });
});
