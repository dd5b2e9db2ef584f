import { describe, expect, it } from "vitest";
import {
  decimalsFor,
  energyScale,
  formatAge,
  formatCoordinates,
  formatDuration,
  formatEnergy,
  formatMac,
  formatPower,
  formatRegister,
  formatScaled,
  powerScale,
  shortHex,
} from "./format";

const nb = (s: string) => s.replace(/\u00a0/g, " ");

describe("energy unit scaling", () => {
  it("picks the largest unit in which the largest value is at least 1", () => {
    expect(energyScale([0, 12, 999])).toEqual({ unit: "Wh", divisor: 1 });
    expect(energyScale([0, 1000])).toEqual({ unit: "kWh", divisor: 1e3 });
    expect(energyScale([5, 999_999])).toEqual({ unit: "kWh", divisor: 1e3 });
    expect(energyScale([1_000_000])).toEqual({ unit: "MWh", divisor: 1e6 });
    expect(energyScale([2.5e9])).toEqual({ unit: "GWh", divisor: 1e9 });
  });
  it("uses the magnitude of negative values and ignores NaN", () => {
    expect(energyScale([-4500, 10])).toEqual({ unit: "kWh", divisor: 1e3 });
    expect(energyScale([NaN, 20])).toEqual({ unit: "Wh", divisor: 1 });
    expect(energyScale([])).toEqual({ unit: "Wh", divisor: 1 });
  });
  it("shares one unit across a chart", () => {
    const scale = energyScale([120, 2400, 15300]);
    expect(nb(formatScaled(120, scale))).toBe("0.12 kWh");
    expect(nb(formatScaled(15300, scale))).toBe("15.3 kWh");
  });
});

describe("formatEnergy / formatPower", () => {
  it("formats energy with three significant digits", () => {
    expect(nb(formatEnergy(0))).toBe("0 Wh");
    expect(nb(formatEnergy(950))).toBe("950 Wh");
    expect(nb(formatEnergy(1523.4))).toBe("1.52 kWh");
    expect(nb(formatEnergy(15234))).toBe("15.2 kWh");
    expect(nb(formatEnergy(152340))).toBe("152 kWh");
    expect(nb(formatEnergy(2_500_000))).toBe("2.50 MWh");
    expect(formatEnergy(null)).toBe("—");
  });
  it("formats power including night-time consumption", () => {
    expect(nb(formatPower(2345.678))).toBe("2.35 kW");
    expect(nb(formatPower(-35.25))).toBe("-35.3 W");
    expect(nb(formatPower(0))).toBe("0 W");
    expect(nb(formatPower(4_200_000))).toBe("4.20 MW");
    expect(powerScale(999.9).unit).toBe("W");
    expect(formatPower(undefined)).toBe("—");
  });
  it("keeps a non-breaking space between value and unit", () => {
    expect(formatEnergy(10)).toBe("10.0\u00a0Wh");
  });
  it("chooses decimals by magnitude", () => {
    expect([0, 1.234, 12.34, 123.4, -5].map(decimalsFor)).toEqual([0, 2, 1, 0, 2]);
  });
});

describe("formatRegister", () => {
  it("shows the register in kWh to the Wh", () => {
    expect(nb(formatRegister(9400155.688))).toBe("9,400.156 kWh");
    expect(nb(formatRegister(0))).toBe("0.000 kWh");
    expect(formatRegister(null)).toBe("—");
  });
});

describe("durations and ids", () => {
  it("formats durations with the two largest parts", () => {
    expect(formatDuration(0)).toBe("0 s");
    expect(formatDuration(42.9)).toBe("42 s");
    expect(formatDuration(75)).toBe("1 min 15 s");
    expect(formatDuration(120)).toBe("2 min");
    expect(formatDuration(7380)).toBe("2 h 3 min");
    expect(formatDuration(356400)).toBe("4 d 3 h");
    expect(formatDuration(-5)).toBe("0 s");
  });
  it("formats ages", () => {
    expect(formatAge(0.4)).toBe("just now");
    expect(formatAge(12)).toBe("12 s ago");
    expect(formatAge(null)).toBe("—");
  });
  it("shortens hex and formats MACs and coordinates", () => {
    expect(shortHex("0x" + "ab".repeat(32))).toBe("0xababab…ababab");
    expect(shortHex("39bbdb115a7d41cb", 8)).toBe("0x39bbdb115a7d41cb");
    expect(formatMac("34945a1b2c3d")).toBe("34:94:5A:1B:2C:3D");
    expect(formatMac("bad")).toBe("bad");
    expect(formatCoordinates(50.8503, 4.3517)).toBe("50.8503° N, 4.3517° E");
    expect(formatCoordinates(-33.9, -70.65)).toBe("33.9000° S, 70.6500° W");
  });
});
