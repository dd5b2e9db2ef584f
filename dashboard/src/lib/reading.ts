/**
 * Decoding of the signed reading message v1 (reading-format SPEC: 52 bytes, big-endian, fixed layout):
 * magic "WWR" | version 0x01 | device_id 8 | meter_id 6 | boot u32 | seq u32 | timestamp_ms i64 | power_mw i64 |
 * energy_mwh u64 (≤ 2^63−1) | flags u16 (bit0 clock synced, bit1 register restarted, bit2 first after boot).
 */
import { bytesToHex, hexToBytes } from "./hex";

export const MESSAGE_LENGTH = 52;
const MAX_I63 = (1n << 63n) - 1n;
const KNOWN_FLAGS = 0b111;

/** Error codes, named as in reading-format's vectors (`error` column). */
export type ReadingErrorCode = "message_length" | "magic" | "version" | "energy_range" | "reserved_flags";

/** A message that breaks the v1 layout; `field` names the offending field. */
export class ReadingFormatError extends Error {
  constructor(
    readonly code: ReadingErrorCode,
    readonly field: string,
    detail: string,
  ) {
    super(`${field}: ${detail}`);
    this.name = "ReadingFormatError";
  }
}

/** A decoded reading message. Power in W and energy in Wh are derived for display (mW / 1000, mWh / 1000). */
export interface ReadingMessage {
  version: number;
  deviceId: string; // 16 hex
  meterId: string; // 12 hex
  boot: number;
  seq: number;
  timestampMs: number;
  powerMw: bigint;
  energyMwh: bigint;
  flags: number;
  clockSynced: boolean;
  registerRestarted: boolean;
  firstAfterBoot: boolean;
  powerW: number;
  energyWh: number;
}

/**
 * Decodes a 52-byte message (bytes or hex).
 * @throws ReadingFormatError in this order: message_length, magic, version, energy_range, reserved_flags
 *         (the order of reading-format's Java verifier, so both report the same first failing rule).
 */
export function decodeMessage(input: Uint8Array | string): ReadingMessage {
  const bytes = typeof input === "string" ? hexToBytes(input, "message") : input;
  if (bytes.length !== MESSAGE_LENGTH) {
    throw new ReadingFormatError("message_length", "message", `expected ${MESSAGE_LENGTH} bytes, got ${bytes.length}`);
  }
  if (bytes[0] !== 0x57 || bytes[1] !== 0x57 || bytes[2] !== 0x52) {
    throw new ReadingFormatError("magic", "magic", "expected ASCII WWR");
  }
  if (bytes[3] !== 0x01) {
    throw new ReadingFormatError("version", "version", `expected 1, got ${bytes[3]}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const energyMwh = view.getBigUint64(42);
  if (energyMwh > MAX_I63) {
    throw new ReadingFormatError("energy_range", "energy_mwh", "exceeds 2^63-1");
  }
  const flags = view.getUint16(50);
  if ((flags & ~KNOWN_FLAGS) !== 0) {
    throw new ReadingFormatError("reserved_flags", "flags", `reserved bits set: 0x${flags.toString(16)}`);
  }
  const powerMw = view.getBigInt64(34);
  return {
    version: bytes[3],
    deviceId: bytesToHex(bytes.subarray(4, 12)),
    meterId: bytesToHex(bytes.subarray(12, 18)),
    boot: view.getUint32(18),
    seq: view.getUint32(22),
    timestampMs: Number(view.getBigInt64(26)),
    powerMw,
    energyMwh,
    flags,
    clockSynced: (flags & 1) !== 0,
    registerRestarted: (flags & 2) !== 0,
    firstAfterBoot: (flags & 4) !== 0,
    powerW: Number(powerMw) / 1000,
    energyWh: Number(energyMwh) / 1000,
  };
}
