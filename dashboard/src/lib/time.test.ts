import { describe, expect, it } from "vitest";
import {
  bucketLabel,
  bucketRange,
  formatDateTime,
  formatDateTimeZoned,
  formatOffset,
  hoursInLocalDay,
  isValidTimeZone,
  localDate,
  localDateToUnix,
  timeZoneLabel,
  utcOffsetMinutes,
} from "./time";

const BXL = "Europe/Brussels";
const at = (iso: string) => Date.parse(iso) / 1000;

describe("time-zone labels", () => {
  it("labels a zone with abbreviation and offset, winter and summer", () => {
    expect(timeZoneLabel(BXL, at("2026-01-15T12:00:00Z"))).toBe("Europe/Brussels (CET, UTC+01:00)");
    expect(timeZoneLabel(BXL, at("2026-07-15T12:00:00Z"))).toBe("Europe/Brussels (CEST, UTC+02:00)");
    expect(timeZoneLabel("UTC", at("2026-07-15T12:00:00Z"))).toBe("UTC (UTC+00:00)");
    expect(timeZoneLabel("Asia/Kolkata", at("2026-07-15T12:00:00Z"))).toBe("Asia/Kolkata (UTC+05:30)");
  });
  it("formats offsets", () => {
    expect(formatOffset(120)).toBe("UTC+02:00");
    expect(formatOffset(-210)).toBe("UTC-03:30");
    expect(formatOffset(0)).toBe("UTC+00:00");
  });
  it("validates zone names", () => {
    expect(isValidTimeZone(BXL)).toBe(true);
    expect(isValidTimeZone("Mars/Olympus")).toBe(false);
    expect(isValidTimeZone("")).toBe(false);
  });
  it("formats instants in the zone, not the runtime's", () => {
    const t = at("2026-01-01T00:00:42Z");
    expect(formatDateTime(t, BXL)).toBe("2026-01-01 01:00:42");
    expect(formatDateTime(t, "America/New_York")).toBe("2025-12-31 19:00:42");
    expect(formatDateTimeZoned(t, BXL)).toBe("2026-01-01 01:00:42 CET");
  });
});

describe("a DST day in Europe/Brussels", () => {
  it("spring forward: 2025-03-30 has 23 hours, 02:00 local does not exist", () => {
    const midnight = localDateToUnix("2025-03-30", BXL);
    expect(midnight).toBe(at("2025-03-29T23:00:00Z"));
    expect(hoursInLocalDay(midnight + 3600 * 12, BXL)).toBe(23);
    const labels = Array.from({ length: 24 }, (_, i) => bucketLabel(midnight + i * 3600, "day", BXL));
    expect(labels.slice(0, 4)).toEqual(["00:00", "01:00", "03:00", "04:00"]);
    expect(labels[23]).toBe("00:00"); // 24 hourly buckets reach into the next local day
    expect(utcOffsetMinutes(BXL, at("2025-03-30T00:59:59Z"))).toBe(60);
    expect(utcOffsetMinutes(BXL, at("2025-03-30T01:00:00Z"))).toBe(120);
  });
  it("fall back: 2025-10-26 has 25 hours and two 02:00 buckets told apart by zone", () => {
    const midnight = localDateToUnix("2025-10-26", BXL);
    expect(midnight).toBe(at("2025-10-25T22:00:00Z"));
    expect(hoursInLocalDay(midnight, BXL)).toBe(25);
    const labels = Array.from({ length: 5 }, (_, i) => bucketLabel(midnight + i * 3600, "day", BXL));
    expect(labels).toEqual(["00:00", "01:00", "02:00", "02:00", "03:00"]);
    expect(bucketRange(midnight + 2 * 3600, midnight + 3 * 3600, "day", BXL)).toBe("Sun 26 Oct 2025, 02:00–02:00 CEST");
    expect(bucketRange(midnight + 3 * 3600, midnight + 4 * 3600, "day", BXL)).toBe("Sun 26 Oct 2025, 02:00–03:00 CET");
  });
  it("an ordinary day has 24 hours", () => {
    expect(hoursInLocalDay(at("2025-06-10T10:00:00Z"), BXL)).toBe(24);
  });
});

describe("bucket labels per frame", () => {
  const t = at("2026-03-02T09:10:00Z"); // Monday, 10:10 in Brussels
  it("labels each frame", () => {
    expect(bucketLabel(t, "hour", BXL)).toBe("10:10");
    expect(bucketLabel(t, "day", BXL)).toBe("10:10");
    expect(bucketLabel(t, "week", BXL)).toBe("Mon 2");
    expect(bucketLabel(t, "month", BXL)).toBe("2 Mar");
    expect(bucketLabel(t, "year", BXL)).toBe("Mar 26");
    expect(bucketLabel(t, "year", "Pacific/Kiritimati")).toBe("Mar 26");
  });
  it("gives tooltip ranges", () => {
    expect(bucketRange(t, t + 600, "hour", BXL)).toBe("Mon 2 Mar 2026, 10:10–10:20 CET");
    expect(bucketRange(t, t + 86400, "week", BXL)).toBe("Mon 2 Mar 2026");
    expect(bucketRange(at("2026-03-01T00:00:00Z"), 0, "year", "UTC")).toBe("March 2026");
  });
  it("converts local dates both ways", () => {
    expect(localDate(at("2025-12-31T23:30:00Z"), BXL)).toBe("2026-01-01");
    expect(localDateToUnix("2026-01-01", "UTC")).toBe(at("2026-01-01T00:00:00Z"));
    expect(() => localDateToUnix("01/01/2026", "UTC")).toThrow(RangeError);
  });
});
