#!/usr/bin/env node
/**
 * FIXTURE MODE ONLY (`--fixtures`): a tiny stand-in for query-service so the dashboard can be developed and its
 * browser test run before the real stack exists. It serves the built SPA (dist/) and the shapes of query-service's
 * API (its ApiModel class and OpenAPI document: installations, summary, status, readings, chart, SSE stream,
 * quarantine, batches and proofs, chain info, /health) from data it makes at start: really signed readings (P-256 keys generated per
 * run with node:crypto), real Merkle batches (keccak256), and a JSON-RPC endpoint /rpc that answers eth_call
 * for verifyReading/checkReading by doing the contract's checks in Node. It is NOT a chain and NOT the backend:
 * the acceptance run uses the real stack (BASE_URL of query-service, anvil).
 *
 * Usage: node e2e/dev-fixtures/server.mjs --fixtures [--port 8099] [--host 127.0.0.1] [--interval 3] [--dist dist]
 */
import { createServer } from "node:http";
import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { readFileSync, existsSync, statSync } from "node:fs";
import { dirname, extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { decodeFunctionData, encodeFunctionResult } from "viem";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : dflt;
};
if (!args.includes("--fixtures")) {
  console.error("This server only runs in fixture mode: pass --fixtures (it serves made-up data, not the real backend).");
  process.exit(2);
}
const PORT = Number(opt("port", process.env.PORT ?? "8099"));
const HOST = opt("host", "127.0.0.1");
const INTERVAL_S = Number(opt("interval", "3"));
const DIST = resolve(opt("dist", join(here, "..", "..", "dist")));
const BATCH_SIZE = 8;

// ------------------------------------------------------------------ crypto helpers (SPEC: message v1, Merkle)
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const hex = (b) => Buffer.from(b).toString("hex");
const big = (b) => BigInt("0x" + (hex(b) || "0"));
const b32 = (v) => Buffer.from(v.toString(16).padStart(64, "0"), "hex");
const keccak = (b) => Buffer.from(keccak_256(b));
const leafHash = (msg, sig) => keccak(keccak(Buffer.concat([msg, sig])));
const hashPair = (a, b) => (Buffer.compare(a, b) <= 0 ? keccak(Buffer.concat([a, b])) : keccak(Buffer.concat([b, a])));
function levels(leaves) {
  const out = [leaves];
  while (out.at(-1).length > 1) {
    const l = out.at(-1);
    const next = [];
    for (let i = 0; i < l.length; i += 2) next.push(i + 1 < l.length ? hashPair(l[i], l[i + 1]) : l[i]);
    out.push(next);
  }
  return out;
}
function proofOf(leaves, index) {
  const lv = levels(leaves);
  const proof = [];
  let i = index;
  for (let l = 0; l < lv.length - 1; l++) {
    if ((i ^ 1) < lv[l].length) proof.push(lv[l][i ^ 1]);
    i >>= 1;
  }
  return proof;
}
const lowS = (sig) => {
  const s = big(sig.subarray(32));
  return s > N >> 1n ? Buffer.concat([sig.subarray(0, 32), b32(N - s)]) : sig;
};

function encodeMessage(f) {
  const m = Buffer.alloc(52);
  m.write("WWR", 0, "ascii");
  m[3] = 1;
  Buffer.from(f.deviceId, "hex").copy(m, 4);
  Buffer.from(f.meterId, "hex").copy(m, 12);
  m.writeUInt32BE(f.boot, 18);
  m.writeUInt32BE(f.seq, 22);
  m.writeBigInt64BE(BigInt(f.timestampMs), 26);
  m.writeBigInt64BE(BigInt(f.powerMw), 34);
  m.writeBigUInt64BE(BigInt(f.energyMwh), 42);
  m.writeUInt16BE(f.flags, 50);
  return m;
}

// ------------------------------------------------------------------ time helpers (bucket starts in a zone)
const formatters = new Map();
function parts(sec, tz) {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", {
      timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
    });
    formatters.set(tz, f);
  }
  const p = f.formatToParts(new Date(sec * 1000));
  const g = (t) => Number(p.find((x) => x.type === t).value);
  return { y: g("year"), m: g("month"), d: g("day"), h: g("hour") % 24, mi: g("minute"), s: g("second") };
}
const offsetS = (tz, sec) => {
  const p = parts(sec, tz);
  return Date.UTC(p.y, p.m - 1, p.d, p.h, p.mi, p.s) / 1000 - Math.floor(sec);
};
const localMidnight = (y, m, d, tz) => {
  const g = Date.UTC(y, m - 1, d) / 1000;
  let t = g - offsetS(tz, g);
  return g - offsetS(tz, t);
};
const validTz = (tz) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

// ------------------------------------------------------------------ the fixture world
const meta = JSON.parse(readFileSync(join(here, "installations.json"), "utf8"));
const quarantineTemplates = JSON.parse(readFileSync(join(here, "quarantine.json"), "utf8"));
const startedAt = Date.now();
let nextReadingId = 1;
const readings = []; // all installations, insertion order
const batches = []; // {batch_id, readings:[reading], root, sealed_at, tx, block}
const chainRoots = new Map(); // batch id -> root (what the emulated contract holds)
let block = 1200;
const subscribers = new Map(); // installation id -> Set(res)

const installs = meta.map((m) => {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const jwk = publicKey.export({ format: "jwk" });
  const xy = Buffer.concat([Buffer.from(jwk.x, "base64url"), Buffer.from(jwk.y, "base64url")]);
  const deviceId = createHash("sha256").update(xy).digest().subarray(0, 8).toString("hex");
  const created = new Date(startedAt - 40 * 86400_000).toISOString();
  return {
    meta: m,
    privateKey,
    xy,
    deviceId,
    boot: 3,
    seq: 0,
    bootAt: startedAt / 1000 - 3 * 3600 - 120,
    energyMwh: 8_400_000_000 + m.id * 1_000_000_000,
    firstReadingAt: startedAt / 1000 - 40 * 86400,
    installation: {
      id: m.id, name: m.name, shelly_mac: m.shelly_mac, public_key: hex(xy), device_id: deviceId, timezone: m.timezone,
      latitude: m.latitude, longitude: m.longitude, capacity_w: m.capacity_w, created_at: created, updated_at: created,
      is_active: true, key_fingerprint: deviceId, keys: [{ public_key: hex(xy), device_id: deviceId, valid_from: created, retired_at: null }],
      // the first fixture meter registered with its secure element's certificate chain, the second without
      attestation: m.id === 1
        ? { attested: true, device_subject: `o=Fixture Meter Makers,cn=sn0123${deviceId.slice(0, 8)}`, device_serial: deviceId.slice(0, 6),
            anchor_subject: "o=Fixture Meter Makers,cn=Fixture Crypto Authentication Root CA", checked_at: created }
        : { attested: false },
    },
  };
});
const byId = new Map(installs.map((i) => [i.meta.id, i]));
const byDevice = new Map(installs.map((i) => [i.deviceId, i]));

/** Solar-ish power (W) at an instant for an installation: a daylight arch plus some cloud wobble. */
function powerAt(inst, sec) {
  const p = parts(sec, inst.meta.timezone);
  const hour = p.h + p.mi / 60 + p.s / 3600;
  const daylight = Math.max(0, Math.sin((Math.PI * (hour - 6)) / 12));
  // the fixture's "night" still shows something so the demo is never blank
  const base = Math.max(daylight, 0.12 + 0.05 * Math.sin(sec / 300));
  const cloud = 0.85 + 0.15 * Math.sin(sec / 97 + inst.meta.id);
  return inst.meta.capacity_w * base * cloud;
}

function makeReading(inst, sec) {
  const powerW = powerAt(inst, sec);
  inst.energyMwh += Math.round(powerW * 10 * 1000 / 3600);
  const f = {
    deviceId: inst.deviceId, meterId: inst.meta.shelly_mac, boot: inst.boot, seq: inst.seq++, timestampMs: Math.round(sec * 1000),
    powerMw: Math.round(powerW * 1000), energyMwh: inst.energyMwh, flags: inst.seq === 1 ? 5 : 1,
  };
  const message = encodeMessage(f);
  const signature = lowS(sign("sha256", message, { key: inst.privateKey, dsaEncoding: "ieee-p1363" }));
  const r = {
    id: nextReadingId++, installation_id: inst.meta.id, power_w: f.powerMw / 1000, total_wh: f.energyMwh / 1000,
    timestamp: Math.floor(f.timestampMs / 1000), timestamp_ms: f.timestampMs, signature: hex(signature), is_verified: true,
    created_at: new Date(f.timestampMs + 400).toISOString(), device_id: inst.deviceId, boot: f.boot, seq: f.seq, message: hex(message),
    verification_error: null, status: "verified", batch_id: null, is_on_chain: false, blockchain_tx_hash: null, blockchain_block_number: null,
  };
  readings.push(r);
  return r;
}

function sealAndAnchor() {
  const pending = readings.filter((r) => r.batch_id == null && r.status === "verified");
  while (pending.length >= BATCH_SIZE) {
    const chunk = pending.splice(0, BATCH_SIZE);
    const batchId = batches.length + 1;
    const leaves = chunk.map((r) => leafHash(Buffer.from(r.message, "hex"), Buffer.from(r.signature, "hex")));
    const root = levels(leaves).at(-1)[0];
    block += 3;
    const tx = "0x" + keccak(Buffer.from(`fixture-tx-${batchId}-${root.toString("hex")}`)).toString("hex");
    const b = { batch_id: batchId, readings: chunk, leaves, root, sealed_at: new Date().toISOString(), tx, block, anchored_at: new Date().toISOString() };
    batches.push(b);
    chainRoots.set(BigInt(batchId), root);
    for (const r of chunk) Object.assign(r, { batch_id: batchId, is_on_chain: true, blockchain_tx_hash: tx, blockchain_block_number: block });
  }
}

// history: 5 minutes of 10-s readings per installation, one disputed reading, then batches
const nowS = startedAt / 1000;
for (const inst of installs) {
  for (let t = nowS - 300; t < nowS - 5; t += 10) makeReading(inst, t);
}
const disputed = readings.find((r) => r.installation_id === 1 && r.seq === 4);
Object.assign(disputed, { status: "disputed", is_verified: false, verification_error: "conflict: another message with boot 3 seq 4 was received" });
sealAndAnchor();

function latestOf(id) {
  let best = null;
  for (const r of readings) if (r.installation_id === id && (!best || r.timestamp_ms > best.timestamp_ms)) best = r;
  return best;
}

function statusOf(inst) {
  const last = latestOf(inst.meta.id);
  const age = last ? Date.now() / 1000 - last.timestamp_ms / 1000 : null;
  const lastBatch = batches.filter((b) => b.readings.some((r) => r.installation_id === inst.meta.id)).at(-1) ?? null;
  const anchorAge = lastBatch ? (Date.now() - Date.parse(lastBatch.anchored_at)) / 1000 : null;
  const liveness = age == null ? "unknown" : age < 3 * Math.max(10, INTERVAL_S) ? "live" : age < 600 ? "stale" : "dead";
  const anchoring = !lastBatch ? "none" : anchorAge < 3600 ? "fresh" : "stale";
  const problems = [];
  if (liveness !== "live" && liveness !== "unknown") problems.push(`no reading for ${Math.round(age)} s`);
  return {
    installation_id: inst.meta.id,
    overall: problems.length ? (liveness === "dead" ? "down" : "degraded") : "ok",
    problems,
    device_connection: { state: "online", since: new Date(inst.bootAt * 1000).toISOString(), boot: inst.boot },
    liveness: { state: liveness, last_reading_at: last ? last.timestamp : null, last_reading_age_s: age != null ? Math.round(age) : null, expected_interval_s: 10 },
    anchoring: {
      state: anchoring, last_batch_id: lastBatch?.batch_id ?? null, last_anchored_at: lastBatch?.anchored_at ?? null,
      age_s: anchorAge != null ? Math.round(anchorAge) : null, blockchain_tx_hash: lastBatch?.tx ?? null, blockchain_block_number: lastBatch?.block ?? null,
    },
  };
}

function summaryOf(inst) {
  const last = latestOf(inst.meta.id);
  const tz = inst.meta.timezone;
  const p = parts(Date.now() / 1000, tz);
  const midnight = localMidnight(p.y, p.m, p.d, tz);
  return {
    installation_id: inst.meta.id, current_power_w: last?.power_w ?? null, last_reading_at: last?.timestamp ?? null,
    last_reading_age_s: last ? Math.round(Date.now() / 1000 - last.timestamp) : null,
    today_energy_wh: Math.round(energyBetween(inst, midnight, Date.now() / 1000)), lifetime_energy_wh: last?.total_wh ?? null,
    first_reading_at: Math.floor(inst.firstReadingAt), boot: inst.boot, uptime_s: Math.round(Date.now() / 1000 - inst.bootAt), timezone: tz,
  };
}

/** Modelled energy (Wh) between two instants: integral of powerAt with 5-min steps. */
function energyBetween(inst, a, b) {
  let wh = 0;
  const step = Math.max(60, Math.min(1800, (b - a) / 48));
  for (let t = a; t < b; t += step) wh += (powerAt(inst, t + step / 2) * Math.min(step, b - t)) / 3600;
  return wh;
}

function chartOf(inst, frame, tz) {
  const now = Date.now() / 1000;
  const p = parts(now, tz);
  let starts = [];
  if (frame === "hour") {
    const end = Math.floor(now / 600) * 600;
    for (let i = 5; i >= 0; i--) starts.push(end - i * 600);
  } else if (frame === "day") {
    const end = Math.floor(now / 3600) * 3600;
    for (let i = 23; i >= 0; i--) starts.push(end - i * 3600);
  } else if (frame === "week" || frame === "month") {
    const n = frame === "week" ? 7 : 30;
    for (let i = n - 1; i >= 0; i--) {
      const d = new Date(Date.UTC(p.y, p.m - 1, p.d - i));
      starts.push(localMidnight(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), tz));
    }
  } else {
    for (let i = 11; i >= 0; i--) {
      const d = new Date(Date.UTC(p.y, p.m - 1 - i, 1));
      starts.push(localMidnight(d.getUTCFullYear(), d.getUTCMonth() + 1, 1, tz));
    }
  }
  const points = starts.map((s, i) => {
    const e = Math.min(i + 1 < starts.length ? starts[i + 1] : s + (frame === "hour" ? 600 : frame === "day" ? 3600 : frame === "year" ? 31 * 86400 : 86400), now);
    const value = Math.round(energyBetween(inst, s, e) * 10) / 10;
    const q = parts(s, tz);
    const label =
      frame === "hour" || frame === "day" ? `${String(q.h).padStart(2, "0")}:${String(q.mi).padStart(2, "0")}` : frame === "year" ? `${q.y}-${String(q.m).padStart(2, "0")}` : `${q.y}-${String(q.m).padStart(2, "0")}-${String(q.d).padStart(2, "0")}`;
    // two buckets per frame are "estimated" (a gap in signed readings) so the marking is visible
    return { label, value, timestamp: Math.floor(s), estimated: i === 2 || i === starts.length - 4 };
  });
  return { data_points: points, time_frame: frame, total_energy: Math.round(points.reduce((a, x) => a + x.value, 0) * 10) / 10, unit: "Wh", timezone: tz };
}

// ------------------------------------------------------------------ emulated contract (eth_call only)
const ABI = [
  { type: "function", name: "verifyReading", stateMutability: "view", inputs: [{ name: "m", type: "bytes" }, { name: "s", type: "bytes" }, { name: "b", type: "uint64" }, { name: "p", type: "bytes32[]" }], outputs: [{ name: "", type: "bool" }] },
  { type: "function", name: "checkReading", stateMutability: "view", inputs: [{ name: "m", type: "bytes" }, { name: "s", type: "bytes" }, { name: "b", type: "uint64" }, { name: "p", type: "bytes32[]" }], outputs: [{ name: "", type: "uint8" }] },
];
const CONTRACT = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
function checkReading(message, signature, batchId, proof) {
  const root = chainRoots.get(batchId);
  if (!root) return 1; // UnknownBatch
  if (message.length !== 52) return 2;
  if (message.subarray(0, 3).toString("ascii") !== "WWR" || message[3] !== 1) return 3;
  if ((message.readUInt16BE(50) & ~7) !== 0) return 4;
  const inst = byDevice.get(message.subarray(4, 12).toString("hex"));
  if (!inst) return 6; // UnknownDevice
  if (message.subarray(12, 18).toString("hex") !== inst.meta.shelly_mac) return 7;
  if (signature.length !== 64) return 9;
  const r = big(signature.subarray(0, 32));
  const s = big(signature.subarray(32));
  if (r === 0n || r >= N || s === 0n || s >= N) return 10;
  if (s > N >> 1n) return 11; // HighS
  let node = leafHash(message, signature);
  for (const p of proof) node = hashPair(node, p);
  if (!node.equals(root)) return 12; // NotInBatch
  const pub = { key: { kty: "EC", crv: "P-256", x: inst.xy.subarray(0, 32).toString("base64url"), y: inst.xy.subarray(32).toString("base64url") }, format: "jwk", dsaEncoding: "ieee-p1363" };
  return globalThis.__verify("sha256", message, pub, signature) ? 0 : 13;
}
const { verify: nodeVerify } = await import("node:crypto");
globalThis.__verify = nodeVerify;

function rpc(body) {
  const one = (req) => {
    const base = { jsonrpc: "2.0", id: req.id ?? null };
    if (req.method === "eth_chainId") return { ...base, result: "0x7a69" };
    if (req.method === "eth_blockNumber") return { ...base, result: "0x" + block.toString(16) };
    if (req.method !== "eth_call") return { ...base, error: { code: -32601, message: `method ${req.method} not available in the fixture RPC` } };
    const call = req.params?.[0] ?? {};
    if (String(call.to).toLowerCase() !== CONTRACT) return { ...base, result: "0x" };
    try {
      const { functionName, args: a } = decodeFunctionData({ abi: ABI, data: call.data });
      const status = checkReading(Buffer.from(a[0].slice(2), "hex"), Buffer.from(a[1].slice(2), "hex"), a[2], a[3].map((x) => Buffer.from(x.slice(2), "hex")));
      const result = functionName === "verifyReading" ? encodeFunctionResult({ abi: ABI, functionName, result: status === 0 }) : encodeFunctionResult({ abi: ABI, functionName, result: status });
      return { ...base, result };
    } catch (e) {
      return { ...base, error: { code: 3, message: `execution reverted: ${e.message.split("\n")[0]}` } };
    }
  };
  return Array.isArray(body) ? body.map(one) : one(body);
}

// ------------------------------------------------------------------ HTTP
const MIME = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".json": "application/json", ".png": "image/png", ".ico": "image/x-icon" };
const json = (res, status, body, type = "application/json") => {
  res.writeHead(status, { "Content-Type": type, "Access-Control-Allow-Origin": "*", "Cache-Control": "no-store" });
  res.end(JSON.stringify(body));
};
const problem = (res, status, title, detail) => json(res, status, { type: "about:blank", title, status, detail }, "application/problem+json");
const toUnix = (v) => (v == null || v === "" ? null : /^\d+(\.\d+)?$/.test(v) ? Number(v) : Date.parse(v) / 1000);

function sendEvent(res, event, data) {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

function route(req, res, url) {
  const p = url.pathname.replace(/\/+$/, "") || "/";
  const q = url.searchParams;
  let m;
  if (p === "/health") return json(res, 200, { status: "UP", checks: { database: "UP", kafka: "UP", devices: "UP", anchoring: "UP" } });
  if (p === "/api/v1/installations") return json(res, 200, installs.map((i) => i.installation));
  if ((m = /^\/api\/v1\/installations\/(\d+)(\/summary|\/status)?$/.exec(p))) {
    const inst = byId.get(Number(m[1]));
    if (!inst) return problem(res, 404, "Not Found", `installation ${m[1]} does not exist`);
    if (m[2] === "/summary") return json(res, 200, summaryOf(inst));
    if (m[2] === "/status") return json(res, 200, statusOf(inst));
    return json(res, 200, inst.installation);
  }
  if ((m = /^\/api\/v1\/readings\/latest\/(\d+)$/.exec(p))) {
    const r = latestOf(Number(m[1]));
    return r ? json(res, 200, r) : problem(res, 404, "Not Found", "no reading yet");
  }
  if ((m = /^\/api\/v1\/readings\/(\d+)\/chart$/.exec(p))) {
    const inst = byId.get(Number(m[1]));
    if (!inst) return problem(res, 404, "Not Found", `installation ${m[1]} does not exist`);
    const frame = q.get("time_frame") ?? "day";
    if (!["hour", "day", "week", "month", "year"].includes(frame)) return problem(res, 400, "Bad Request", "time_frame must be hour, day, week, month or year");
    const tz = q.get("tz") || inst.meta.timezone;
    if (!validTz(tz)) return problem(res, 400, "Bad Request", `unknown time zone ${tz}`);
    return json(res, 200, chartOf(inst, frame, tz));
  }
  if ((m = /^\/api\/v1\/readings\/(\d+)\/quarantine$/.exec(p))) {
    const id = Number(m[1]);
    const inst = byId.get(id);
    if (!inst) return problem(res, 404, "Not Found", `installation ${id} does not exist`);
    const items = id === 1 ? quarantineTemplates.map((t, i) => ({ id: 900 + i, received_at: new Date(startedAt - (i + 1) * 95_000).toISOString(), reason: t.reason, detail: t.detail, device_id: inst.deviceId, boot: 3, seq: 118 + i, raw: "{\"message\":\"…\",\"signature\":\"…\"}" })) : [];
    return json(res, 200, { items });
  }
  if ((m = /^\/api\/v1\/readings\/(\d+)\/stream$/.exec(p))) {
    const id = Number(m[1]);
    const inst = byId.get(id);
    if (!inst) return problem(res, 404, "Not Found", `installation ${id} does not exist`);
    res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-store", Connection: "keep-alive", "Access-Control-Allow-Origin": "*" });
    res.write(": connected\n\n");
    sendEvent(res, "status", statusOf(inst));
    if (!subscribers.has(id)) subscribers.set(id, new Set());
    subscribers.get(id).add(res);
    req.on("close", () => subscribers.get(id)?.delete(res));
    return;
  }
  if ((m = /^\/api\/v1\/readings\/(\d+)$/.exec(p))) {
    const id = Number(m[1]);
    if (!byId.get(id)) return problem(res, 404, "Not Found", `installation ${id} does not exist`);
    const start = toUnix(q.get("start"));
    const end = toUnix(q.get("end"));
    if (Number.isNaN(start) || Number.isNaN(end)) return problem(res, 400, "Bad Request", "start/end must be Unix seconds or ISO-8601");
    const limit = Math.min(1000, Math.max(1, Number(q.get("limit") ?? 100)));
    const offset = Number(q.get("cursor") ?? 0);
    const list = readings
      .filter((r) => r.installation_id === id && (start == null || r.timestamp >= start) && (end == null || r.timestamp < end) && (q.get("verified_only") !== "true" || r.is_verified))
      .sort((a, b) => b.timestamp_ms - a.timestamp_ms);
    const page = list.slice(offset, offset + limit);
    return json(res, 200, { readings: page, next_cursor: offset + limit < list.length ? String(offset + limit) : null });
  }
  if (p === "/api/v1/batches/latest") {
    const b = batches.at(-1);
    return b ? json(res, 200, batchDoc(b, false)) : problem(res, 404, "Not Found", "no sealed batch yet");
  }
  if ((m = /^\/api\/v1\/batches\/(\d+)(?:\/proof\/(\d+))?$/.exec(p))) {
    const b = batches[Number(m[1]) - 1];
    if (!b) return problem(res, 404, "Not Found", `batch ${m[1]} is not sealed`);
    if (!m[2]) return json(res, 200, batchDoc(b, true));
    const index = b.readings.findIndex((r) => r.id === Number(m[2]));
    if (index < 0) return problem(res, 404, "Not Found", `reading ${m[2]} is not in batch ${m[1]}`);
    const r = b.readings[index];
    const inst = byId.get(r.installation_id);
    return json(res, 200, {
      batch_id: b.batch_id, reading_id: r.id, index, leaf: "0x" + hex(b.leaves[index]), proof: proofOf(b.leaves, index).map((x) => "0x" + hex(x)),
      merkle_root: "0x" + hex(b.root), message: r.message, signature: r.signature, public_key: hex(inst.xy), device_id: r.device_id,
    });
  }
  if (p === "/api/v1/chain") {
    const origin = `http://${req.headers.host}`;
    return json(res, 200, { chain_id: 31337, rpc_url: `${origin}/rpc`, contract_address: CONTRACT, explorer_tx_url_template: null });
  }
  if (p === "/rpc") {
    if (req.method === "OPTIONS") {
      res.writeHead(204, { "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "content-type", "Access-Control-Allow-Methods": "POST" });
      return res.end();
    }
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      try {
        json(res, 200, rpc(JSON.parse(body)));
      } catch {
        json(res, 200, { jsonrpc: "2.0", id: null, error: { code: -32700, message: "parse error" } });
      }
    });
    return;
  }
  if (p.startsWith("/api/")) return problem(res, 404, "Not Found", `no route ${p}`);
  return serveStatic(res, url.pathname);
}

function batchDoc(b, withReadings) {
  const doc = {
    batch_id: b.batch_id, merkle_root: "0x" + hex(b.root), reading_count: b.readings.length, first_reading_time: b.readings[0].timestamp,
    last_reading_time: b.readings.at(-1).timestamp, sealed_at: b.sealed_at, is_on_chain: true, blockchain_tx_hash: b.tx, blockchain_block_number: b.block,
  };
  if (withReadings) doc.readings = b.readings.map((r) => ({ id: r.id, installation_id: r.installation_id, device_id: r.device_id, message: r.message, signature: r.signature, timestamp: r.timestamp }));
  return doc;
}

function serveStatic(res, pathname) {
  if (!existsSync(DIST)) {
    res.writeHead(503, { "Content-Type": "text/plain" });
    return res.end(`dist/ not found at ${DIST}: run npm run build first`);
  }
  const rel = normalize(decodeURIComponent(pathname)).replace(/^(\.\.[/\\])+/, "");
  let file = join(DIST, rel);
  if (!file.startsWith(DIST) || !existsSync(file) || statSync(file).isDirectory()) file = join(DIST, "index.html");
  res.writeHead(200, { "Content-Type": MIME[extname(file)] ?? "application/octet-stream", "Cache-Control": "no-cache" });
  res.end(readFileSync(file));
}

const server = createServer((req, res) => {
  try {
    route(req, res, new URL(req.url, `http://${req.headers.host ?? "localhost"}`));
  } catch (e) {
    problem(res, 500, "Internal Server Error", e.message);
  }
});

// live readings every INTERVAL_S seconds (the fixture runs faster than the real 10 s), status every 15 s
const tick = setInterval(() => {
  for (const inst of installs) {
    const r = makeReading(inst, Date.now() / 1000);
    for (const res of subscribers.get(inst.meta.id) ?? []) sendEvent(res, "reading", r);
  }
  sealAndAnchor();
}, INTERVAL_S * 1000);
const statusTick = setInterval(() => {
  for (const inst of installs) for (const res of subscribers.get(inst.meta.id) ?? []) {
    res.write(": heartbeat\n\n");
    sendEvent(res, "status", statusOf(inst));
  }
}, 15_000);

server.listen(PORT, HOST, () => {
  console.log(`fixture server (--fixtures): http://${HOST}:${server.address().port}/  serving ${DIST}; new reading every ${INTERVAL_S} s`);
});
const stop = () => {
  clearInterval(tick);
  clearInterval(statusTick);
  for (const set of subscribers.values()) for (const res of set) res.end();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 500).unref();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
