import { describe, expect, it } from "vitest";
import { DEFAULT_ROUTE, formatRoute, parseRoute } from "./route";

describe("hash route", () => {
  it("round-trips a full state", () => {
    const s = { installation: 3, frame: "week" as const, tz: "Europe/Brussels", verify: { readingId: 812, batchId: 17 } };
    expect(formatRoute(s)).toBe("#/?installation=3&frame=week&tz=Europe%2FBrussels&verify=812%3A17");
    expect(parseRoute(formatRoute(s))).toEqual(s);
  });
  it("falls back to defaults on bad values", () => {
    expect(parseRoute("#/?installation=abc&frame=decade&verify=1")).toEqual(DEFAULT_ROUTE);
    expect(parseRoute("")).toEqual(DEFAULT_ROUTE);
    expect(formatRoute(DEFAULT_ROUTE)).toBe("#/");
  });
});
