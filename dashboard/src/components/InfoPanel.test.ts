import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { Installation } from "../lib/api";
import { InfoPanel } from "./InfoPanel";

const installation: Installation = {
  id: 1,
  name: "Roof",
  shelly_mac: "34945a1b2c3d",
  public_key: "ab".repeat(64),
  device_id: "39bbdb115a7d41cb",
  timezone: "Europe/Brussels",
  latitude: 50.85,
  longitude: 4.35,
  capacity_w: 4800,
  created_at: "2026-01-04T00:00:43Z",
  updated_at: "2026-01-04T00:00:43Z",
  is_active: true,
  key_fingerprint: "39bbdb115a7d41cb",
  keys: [],
};

function attestationCell(i: Installation): string {
  const html = renderToStaticMarkup(createElement(InfoPanel, { installation: i, summary: undefined, now: Date.parse("2026-01-05T12:00:00Z"), tz: "Europe/Brussels" }));
  const cell = html.match(/<dt>Attestation<\/dt><dd data-testid="attestation">(.*?)<\/dd>/);
  expect(cell, html).not.toBeNull();
  return cell![1];
}

describe("installation info attestation", () => {
  it("shows the trust anchor of an attested installation, with the device certificate in the title", () => {
    const cell = attestationCell({
      ...installation,
      attestation: {
        attested: true,
        device_subject: "o=Microchip Technology Inc,cn=sn0123ABCDEF",
        device_serial: "4f2a",
        anchor_subject: "o=Microchip Technology Inc,cn=Crypto Authentication Root CA 002",
        checked_at: "2026-01-04T00:00:43Z",
      },
    });
    expect(cell).toContain(">Attested by o=Microchip Technology Inc,cn=Crypto Authentication Root CA 002</span>");
    expect(cell).toContain('title="Device certificate o=Microchip Technology Inc,cn=sn0123ABCDEF (serial 4f2a), checked 2026-01-04T00:00:43Z"');
    expect(cell).not.toContain("Not attested");
  });

  it("shows Not attested for an installation without attestation or from a server without the member", () => {
    for (const i of [{ ...installation, attestation: { attested: false } }, installation]) {
      const cell = attestationCell(i);
      expect(cell).toBe('<span class="muted">Not attested</span>');
    }
  });
});
