#!/usr/bin/env node
/**
 * Finds the system Chromium the browser tests drive (Debian's `chromium` package; Playwright's own browser
 * downloads do not work on this network). When it is missing and we are root with apt-get, installs it
 * (`apt-get update && apt-get install -y chromium`); otherwise prints how and exits 1.
 * Usage: node e2e/chromium.mjs [--no-install]   (CHROMIUM_PATH overrides the path)
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Returns the Chromium path, installing Debian's package first when allowed and possible. */
export function ensureChromium({ install = true } = {}) {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  const how = "apt-get update && apt-get install -y chromium";
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const hasApt = spawnSync("sh", ["-c", "command -v apt-get"], { stdio: "ignore" }).status === 0;
  if (!install || !isRoot || !hasApt) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}. Install Debian's package as root: ${how} (or set CHROMIUM_PATH).`);
  }
  console.log(`Chromium not found at ${CHROMIUM_PATH}; installing: ${how}`);
  execFileSync("sh", ["-c", `${how} >/dev/null`], { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`installed chromium but ${CHROMIUM_PATH} is still missing`);
  return CHROMIUM_PATH;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const path = ensureChromium({ install: !process.argv.includes("--no-install") });
    const version = spawnSync(path, ["--version"], { encoding: "utf8" }).stdout.trim();
    console.log(`chromium: ${path} (${version})`);
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
