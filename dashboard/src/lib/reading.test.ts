import { describe, expect, it } from "vitest";
import { readingVectors } from "../test/vectors";
import { decodeMessage, ReadingFormatError } from "./reading";

const FORMAT_ERRORS = new Set(["message_length", "magic", "version", "energy_range", "reserved_flags"]);

describe("decodeMessage against reading-format vectors", () => {
  const vectors = readingVectors();

  it("has the vectors", () => {
    expect(vectors.length).toBeGreaterThanOrEqual(20);
  });

  for (const v of vectors.filter((x) => x.fields && !FORMAT_ERRORS.has(x.error ?? ""))) {
    it(`decodes ${v.name} to its fields`, () => {
      const m = decodeMessage(v.message);
      const f = v.fields!;
      expect(m.deviceId).toBe(f.device_id);
      expect(m.meterId).toBe(f.meter_id);
      expect(m.boot).toBe(f.boot);
      expect(m.seq).toBe(f.seq);
      expect(m.timestampMs).toBe(Number(f.timestamp_ms));
      expect(m.powerMw).toBe(BigInt(f.power_mw));
      expect(m.energyMwh).toBe(BigInt(f.energy_mwh));
      expect(m.flags).toBe(f.flags);
    });
  }

  for (const v of vectors.filter((x) => FORMAT_ERRORS.has(x.error ?? ""))) {
    it(`rejects ${v.name} with ${v.error}`, () => {
      try {
        decodeMessage(v.message);
        expect.unreachable("decoding should fail");
      } catch (e) {
        expect(e).toBeInstanceOf(ReadingFormatError);
        expect((e as ReadingFormatError).code).toBe(v.error);
      }
    });
  }

  it("derives display units and flags from valid-basic", () => {
    const m = decodeMessage(vectors.find((v) => v.name === "valid-basic")!.message);
    expect(m.powerW).toBe(2345.678);
    expect(m.energyWh).toBe(1523400);
    expect(m.clockSynced).toBe(true);
    expect(m.registerRestarted).toBe(false);
    expect(m.firstAfterBoot).toBe(false);
    expect(new Date(m.timestampMs).toISOString()).toBe("2026-01-01T00:00:42.000Z");
  });

  it("decodes negative power", () => {
    expect(decodeMessage(vectors.find((v) => v.name === "valid-negative-power")!.message).powerW).toBe(-35.25);
  });

  it("rejects non-hex input with the field named", () => {
    expect(() => decodeMessage("zz")).toThrow(/message/);
  });
});
