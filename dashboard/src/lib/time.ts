/**
 * Time-zone aware labels with Intl.DateTimeFormat (IANA zone names, ECMA-402). All timestamps are Unix seconds
 * (UTC) as in the API; every label is computed in an explicit zone so the page shows the installation's time
 * (or the one the visitor picked), never silently the browser's.
 */

/** The chart time frames of the API (contract: GET /readings/{id}/chart). */
export type TimeFrame = "hour" | "day" | "week" | "month" | "year";

export const TIME_FRAMES: TimeFrame[] = ["hour", "day", "week", "month", "year"];

/** Buckets each frame has (contract): hour 6 x 10 min, day 24 x 1 h, week 7 d, month 30 d, year 12 months. */
export const BUCKET_COUNT: Record<TimeFrame, number> = { hour: 6, day: 24, week: 7, month: 30, year: 12 };

const formatterCache = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string, options: Intl.DateTimeFormatOptions, locale = "en-GB"): Intl.DateTimeFormat {
  const key = `${locale}|${tz}|${JSON.stringify(options)}`;
  let f = formatterCache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { ...options, timeZone: tz });
    formatterCache.set(key, f);
  }
  return f;
}

/** True when the runtime knows this IANA zone. */
export function isValidTimeZone(tz: string | null | undefined): boolean {
  if (!tz) return false;
  try {
    new Intl.DateTimeFormat("en-GB", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The browser's own zone (falls back to UTC). */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

/** Every zone the runtime knows, plus UTC, sorted. */
export function allTimeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  const zones = intl.supportedValuesOf ? intl.supportedValuesOf("timeZone") : [];
  return Array.from(new Set(["UTC", ...zones])).sort();
}

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: string;
}

/** Wall-clock fields of an instant in a zone. */
export function zonedParts(unixSeconds: number, tz: string): Parts {
  const parts = formatter(tz, {
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    weekday: "short",
    hourCycle: "h23",
  }).formatToParts(new Date(unixSeconds * 1000));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "0";
  return {
    year: Number(get("year")),
    month: Number(get("month")),
    day: Number(get("day")),
    hour: Number(get("hour")) % 24,
    minute: Number(get("minute")),
    second: Number(get("second")),
    weekday: get("weekday"),
  };
}

/** Offset of the zone from UTC at an instant, in minutes (Brussels in summer: +120). */
export function utcOffsetMinutes(tz: string, unixSeconds: number): number {
  const p = zonedParts(Math.floor(unixSeconds), tz);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) / 1000;
  return Math.round((asUtc - Math.floor(unixSeconds)) / 60);
}

/** An offset in minutes as "UTC+02:00", "UTC-03:30", "UTC+00:00". */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  const a = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(a / 60)).padStart(2, "0")}:${String(a % 60).padStart(2, "0")}`;
}

/**
 * The zone's abbreviation at an instant when the locale data has a real one ("CET", "CEST", "GMT", "UTC"),
 * else null (many zones only have "GMT+3"-style names, which the offset already says).
 */
export function zoneAbbreviation(tz: string, unixSeconds: number): string | null {
  const parts = formatter(tz, { timeZoneName: "short" }).formatToParts(new Date(unixSeconds * 1000));
  const name = parts.find((p) => p.type === "timeZoneName")?.value ?? null;
  if (!name || /^(GMT|UTC)[+-]/.test(name)) return null;
  return name;
}

/**
 * The label for a zone at an instant: "Europe/Brussels (CEST, UTC+02:00)"; "UTC (UTC+00:00)" for UTC.
 */
export function timeZoneLabel(tz: string, unixSeconds: number): string {
  const offset = formatOffset(utcOffsetMinutes(tz, unixSeconds));
  const abbr = zoneAbbreviation(tz, unixSeconds);
  return abbr && abbr !== "UTC" ? `${tz} (${abbr}, ${offset})` : `${tz} (${offset})`;
}

/** A compact suffix for one instant: "CEST" or "UTC+05:30". */
export function zoneSuffix(tz: string, unixSeconds: number): string {
  return zoneAbbreviation(tz, unixSeconds) ?? formatOffset(utcOffsetMinutes(tz, unixSeconds));
}

const pad = (n: number) => String(n).padStart(2, "0");
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Date and time in the zone: "2026-01-01 00:00:42" (ISO-like, 24 h). */
export function formatDateTime(unixSeconds: number, tz: string): string {
  const p = zonedParts(unixSeconds, tz);
  return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

/** Date and time with the zone: "2026-01-01 00:00:42 CET". */
export function formatDateTimeZoned(unixSeconds: number, tz: string): string {
  return `${formatDateTime(unixSeconds, tz)} ${zoneSuffix(tz, unixSeconds)}`;
}

/** Time of day in the zone: "14:05:09". */
export function formatTime(unixSeconds: number, tz: string): string {
  const p = zonedParts(unixSeconds, tz);
  return `${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

/**
 * Axis label of a bucket that starts at `unixSeconds`: hour → "14:10", day → "14:00", week → "Mon 30",
 * month → "30 Mar", year → "Mar 26".
 */
export function bucketLabel(unixSeconds: number, frame: TimeFrame, tz: string): string {
  const p = zonedParts(unixSeconds, tz);
  switch (frame) {
    case "hour":
    case "day":
      return `${pad(p.hour)}:${pad(p.minute)}`;
    case "week":
      return `${p.weekday} ${p.day}`;
    case "month":
      return `${p.day} ${MONTHS[p.month - 1]}`;
    case "year":
      return `${MONTHS[p.month - 1]} ${String(p.year).slice(2)}`;
  }
}

/**
 * Tooltip text for a bucket from `start` to `end` (Unix s, end exclusive), in the zone, with the zone's
 * abbreviation/offset so the two 02:00 hours of an autumn DST day can be told apart:
 * hour/day → "Sun 30 Mar 2025, 03:00–04:00 CEST"; week/month → "Sun 30 Mar 2025"; year → "March 2025".
 */
export function bucketRange(start: number, end: number, frame: TimeFrame, tz: string): string {
  const a = zonedParts(start, tz);
  const date = `${a.weekday} ${a.day} ${MONTHS[a.month - 1]} ${a.year}`;
  if (frame === "hour" || frame === "day") {
    const b = zonedParts(end, tz);
    return `${date}, ${pad(a.hour)}:${pad(a.minute)}–${pad(b.hour)}:${pad(b.minute)} ${zoneSuffix(tz, start)}`;
  }
  if (frame === "year") {
    return formatter(tz, { month: "long", year: "numeric" }).format(new Date(start * 1000));
  }
  return date;
}

/**
 * Hours in the local calendar day that contains the instant: 24 normally, 23 on a spring-forward day,
 * 25 on a fall-back day (e.g. Europe/Brussels 2025-03-30 → 23, 2025-10-26 → 25).
 */
export function hoursInLocalDay(unixSeconds: number, tz: string): number {
  const p = zonedParts(unixSeconds, tz);
  const start = localMidnight(p.year, p.month, p.day, tz);
  const next = new Date(Date.UTC(p.year, p.month - 1, p.day + 1));
  const end = localMidnight(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), tz);
  return Math.round((end - start) / 3600);
}

/** The instant (Unix s) of local midnight on a calendar date in the zone. */
export function localMidnight(year: number, month: number, day: number, tz: string): number {
  const guess = Date.UTC(year, month - 1, day) / 1000;
  // two passes settle the offset even when midnight is next to a transition
  let t = guess - utcOffsetMinutes(tz, guess) * 60;
  t = guess - utcOffsetMinutes(tz, t) * 60;
  return t;
}

/** Local calendar date "YYYY-MM-DD" of an instant in the zone (for date inputs). */
export function localDate(unixSeconds: number, tz: string): string {
  const p = zonedParts(unixSeconds, tz);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/** Unix seconds of the local midnight starting a "YYYY-MM-DD" date in the zone. @throws RangeError on bad input. */
export function localDateToUnix(date: string, tz: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  return localMidnight(Number(m[1]), Number(m[2]), Number(m[3]), tz);
}
