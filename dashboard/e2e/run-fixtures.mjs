#!/usr/bin/env node
/**
 * Development only: runs the browser tests against the fixture server (e2e/dev-fixtures/server.mjs --fixtures)
 * instead of the real stack. Builds dist/ first when it is missing. Exits with the test runner's code.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
if (!existsSync(join(root, "dist", "index.html"))) {
  const b = spawnSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
  if (b.status !== 0) process.exit(b.status ?? 1);
}
const port = process.env.FIXTURE_PORT ?? "8099";
const server = spawn(process.execPath, [join(root, "e2e", "dev-fixtures", "server.mjs"), "--fixtures", "--port", port, "--interval", "3"], {
  cwd: root,
  stdio: ["ignore", "pipe", "inherit"],
});
const ready = await new Promise((resolve) => {
  const t = setTimeout(() => resolve(false), 10_000);
  server.stdout.on("data", (d) => {
    process.stdout.write(d);
    if (String(d).includes("fixture server")) {
      clearTimeout(t);
      resolve(true);
    }
  });
  server.on("exit", () => resolve(false));
});
if (!ready) {
  console.error("fixture server did not start");
  server.kill("SIGTERM");
  process.exit(1);
}
const test = spawnSync(process.execPath, ["--test", "--test-reporter=spec", join(root, "e2e", "browser.test.mjs")], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, BASE_URL: `http://127.0.0.1:${port}`, LIVE_TIMEOUT_MS: "15000" },
});
server.kill("SIGTERM");
process.exit(test.status ?? 1);
