/**
 * Number formatting for the dashboard: energy (Wh/kWh/MWh/GWh), power (W/kW/MW), durations and ids.
 * Output is locale-independent (en-US digits, a non-breaking space before units) so tests and CSVs are stable.
 */

export type EnergyUnit = "Wh" | "kWh" | "MWh" | "GWh";
export type PowerUnit = "W" | "kW" | "MW" | "GW";

/** A display unit and the divisor that turns base units (Wh or W) into it. */
export interface UnitScale<U extends string> {
  unit: U;
  divisor: number;
}

const NBSP = "\u00a0";

const ENERGY_SCALES: UnitScale<EnergyUnit>[] = [
  { unit: "Wh", divisor: 1 },
  { unit: "kWh", divisor: 1e3 },
  { unit: "MWh", divisor: 1e6 },
  { unit: "GWh", divisor: 1e9 },
];

const POWER_SCALES: UnitScale<PowerUnit>[] = [
  { unit: "W", divisor: 1 },
  { unit: "kW", divisor: 1e3 },
  { unit: "MW", divisor: 1e6 },
  { unit: "GW", divisor: 1e9 },
];

function pickScale<U extends string>(scales: UnitScale<U>[], magnitude: number): UnitScale<U> {
  const m = Math.abs(magnitude);
  let chosen = scales[0];
  for (const s of scales) {
    if (m >= s.divisor) chosen = s;
  }
  return chosen;
}

/**
 * The energy unit for a set of values: the largest unit in which the largest |value| is at least 1
 * (999 Wh stays Wh, 1 000 Wh becomes 1 kWh). Used so that every bar of one chart shares one unit.
 * @param valuesWh energy values in Wh; NaN and empty arrays give Wh
 */
export function energyScale(valuesWh: number[]): UnitScale<EnergyUnit> {
  const max = valuesWh.reduce((m, v) => (Number.isFinite(v) ? Math.max(m, Math.abs(v)) : m), 0);
  return pickScale(ENERGY_SCALES, max);
}

/** The power unit for one value in W (same rule as {@link energyScale}). */
export function powerScale(watts: number): UnitScale<PowerUnit> {
  return pickScale(POWER_SCALES, Number.isFinite(watts) ? watts : 0);
}

/**
 * Significant-looking decimals: 3 significant digits for values under 100, none from 100 up
 * (1.23, 12.3, 123, 1234).
 */
export function decimalsFor(value: number): number {
  const a = Math.abs(value);
  if (a === 0) return 0;
  if (a < 10) return 2;
  if (a < 100) return 1;
  return 0;
}

/** Formats a number with fixed decimals, en-US grouping and U+2212 never used (plain "-"). */
export function formatNumber(value: number, decimals: number): string {
  return new Intl.NumberFormat("en-US", {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  }).format(value);
}

/** A value in a given scale, e.g. `formatScaled(1523.4, {unit:"kWh",divisor:1000})` = "1.52 kWh". */
export function formatScaled<U extends string>(base: number, scale: UnitScale<U>, decimals?: number): string {
  const v = base / scale.divisor;
  return `${formatNumber(v, decimals ?? decimalsFor(v))}${NBSP}${scale.unit}`;
}

/** Energy in Wh to text with its own unit: 950 → "950 Wh", 1523.4 → "1.52 kWh", 2.5e6 → "2.50 MWh". */
export function formatEnergy(wh: number | null | undefined): string {
  if (wh == null || !Number.isFinite(wh)) return "—";
  return formatScaled(wh, energyScale([wh]));
}

/** Active power in W to text: 0 → "0 W", 2345.678 → "2.35 kW", -35.25 → "-35.3 W". */
export function formatPower(w: number | null | undefined): string {
  if (w == null || !Number.isFinite(w)) return "—";
  return formatScaled(w, powerScale(w));
}

/**
 * A duration in seconds, two most significant parts: 0 → "0 s", 75 → "1 min 15 s",
 * 7380 → "2 h 3 min", 356400 → "4 d 3 h". Negative values are treated as 0 (clock skew).
 */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds)) return "—";
  let s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (d > 0) return h > 0 ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  if (m > 0) return s > 0 ? `${m} min ${s} s` : `${m} min`;
  return `${s} s`;
}

/** Age of something: "just now" under 1 s, else "12 s ago", "3 min 5 s ago". */
export function formatAge(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds)) return "—";
  if (seconds < 1) return "just now";
  return `${formatDuration(seconds)} ago`;
}

/** Shortened hex for display: "0x1234abcd…9f00" (the full value goes in a title/copy button). */
export function shortHex(hex: string | null | undefined, keep = 6): string {
  if (!hex) return "—";
  const h = hex.startsWith("0x") ? hex.slice(2) : hex;
  if (h.length <= keep * 2 + 1) return `0x${h}`;
  return `0x${h.slice(0, keep)}…${h.slice(-keep)}`;
}

/** A 12-hex-digit MAC as "34:94:5A:1B:2C:3D"; anything else is returned unchanged. */
export function formatMac(mac: string | null | undefined): string {
  if (!mac) return "—";
  const h = mac.replace(/[^0-9a-fA-F]/g, "");
  if (h.length !== 12) return mac;
  return h.toUpperCase().match(/../g)!.join(":");
}

/** Latitude/longitude in degrees as "50.8503° N, 4.3517° E". */
export function formatCoordinates(lat: number | null | undefined, lon: number | null | undefined): string {
  if (lat == null || lon == null || !Number.isFinite(lat) || !Number.isFinite(lon)) return "—";
  const ns = lat >= 0 ? "N" : "S";
  const ew = lon >= 0 ? "E" : "W";
  return `${Math.abs(lat).toFixed(4)}° ${ns}, ${Math.abs(lon).toFixed(4)}° ${ew}`;
}

/**
 * The meter's energy register in kWh with Wh resolution, so that consecutive readings visibly differ:
 * 9400155.688 Wh → "9,400.156 kWh".
 */
export function formatRegister(wh: number | null | undefined): string {
  if (wh == null || !Number.isFinite(wh)) return "—";
  return `${formatNumber(wh / 1000, 3)}${NBSP}kWh`;
}
