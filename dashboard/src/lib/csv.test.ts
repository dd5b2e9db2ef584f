import { describe, expect, it } from "vitest";
import type { ChartResponse, Reading } from "./api";
import { chartToCsv, csvField, csvFileName, readingsToCsv, toCsv } from "./csv";

describe("csv", () => {
  it("quotes only when needed and doubles quotes", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField('say "hi", ok')).toBe('"say ""hi"", ok"');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField(null)).toBe("");
    expect(csvField(0)).toBe("0");
    expect(csvField(false)).toBe("false");
    expect(toCsv(["a", "b"], [[1, "x,y"]])).toBe('a,b\r\n1,"x,y"\r\n');
  });

  it("exports chart buckets in the chosen zone with a total row", () => {
    const chart: ChartResponse = {
      data_points: [
        { label: "00:00", value: 0, timestamp: 1743289200, estimated: false },
        { label: "01:00", value: 1250.5, timestamp: 1743292800, estimated: true },
      ],
      time_frame: "day",
      total_energy: 1250.5,
      unit: "Wh",
      timezone: "Europe/Brussels",
    };
    const lines = chartToCsv(chart, "day", "Europe/Brussels").split("\r\n");
    expect(lines[0]).toBe("time_frame,bucket_start_unix_s,bucket_start_Europe/Brussels,label,energy_wh,estimated");
    expect(lines[1]).toBe("day,1743289200,2025-03-30 00:00:00 CET,00:00,0,false");
    expect(lines[2]).toBe("day,1743292800,2025-03-30 01:00:00 CET,01:00,1250.5,true");
    expect(lines[3]).toBe("day,,,total,1250.5,true");
    expect(lines[4]).toBe("");
  });

  it("exports readings with local time and on-chain columns", () => {
    const r: Reading = {
      id: 5,
      installation_id: 1,
      power_w: 2345.678,
      total_wh: 1523400,
      timestamp: 1767225642,
      timestamp_ms: 1767225642000,
      signature: "ab",
      is_verified: false,
      created_at: "2026-01-01T00:00:43Z",
      device_id: "39bbdb115a7d41cb",
      boot: 7,
      seq: 42,
      message: "cd",
      verification_error: "replayed, seq already seen",
      status: "disputed",
      batch_id: null,
      is_on_chain: false,
      blockchain_tx_hash: null,
      blockchain_block_number: null,
    };
    const lines = readingsToCsv([r], "UTC").split("\r\n");
    expect(lines[0].split(",")).toHaveLength(18);
    expect(lines[0].split(",")[8]).toBe("register_state");
    expect(lines[0].split(",")[7]).toBe("late");
    expect(lines[1]).toBe('5,1767225642,2026-01-01 00:00:42 UTC,2345.678,1523400,disputed,"replayed, seq already seen",false,,39bbdb115a7d41cb,7,42,,false,,,cd,ab');
    const late = readingsToCsv([{ ...r, status: "verified", verification_error: null, late: true }], "UTC").split("\r\n");
    expect(late[1]).toBe("5,1767225642,2026-01-01 00:00:42 UTC,2345.678,1523400,verified,,true,,39bbdb115a7d41cb,7,42,,false,,,cd,ab");
    const glitch = readingsToCsv([{ ...r, status: "verified", verification_error: null, total_wh: 0, register_state: "glitch" }], "UTC").split("\r\n");
    expect(glitch[1]).toBe("5,1767225642,2026-01-01 00:00:42 UTC,2345.678,0,verified,,false,glitch,39bbdb115a7d41cb,7,42,,false,,,cd,ab");
  });

  it("builds safe file names", () => {
    expect(csvFileName(3, "chart", "day", "Europe/Brussels")).toBe("wattwitness-3-chart-day-Europe_Brussels.csv");
  });
});
