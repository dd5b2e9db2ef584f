/**
 * Sealed-batch checks of the WattWitness anchoring workflow: parse the batch served by query-service, verify every
 * reading (reading-format SPEC: message v1, P-256 over SHA-256, low S) against the device keys registered on chain,
 * recompute the Merkle root (SPEC "Merkle tree") and build the report that WattWitnessAnchor.onReport decodes.
 *
 * Pure functions, no CRE capability: the workflow, its tests and the local runner share them. Anything that
 * disagrees raises BatchRejected with the reason, so the workflow writes nothing and logs why.
 */
import { p256 } from '@noble/curves/nist.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, encodeAbiParameters, type Hex, hexToBytes, keccak256 } from 'viem'

/** One reading of a sealed batch as served by GET /api/v1/batches/{id} (see workflow/README.md). */
export interface BatchReading {
  id: number
  installation_id: number
  /** 16 lowercase hex characters, no 0x. */
  device_id: string
  /** 104 hex characters: the 52-byte v1 message. */
  message: string
  /** 128 hex characters: the low-S r||s signature. */
  signature: string
  /** Reading time in Unix seconds (floor of the message's timestamp_ms / 1000). */
  timestamp: number
}

/** The body of GET /api/v1/batches/{id}. Times are Unix seconds except sealed_at (ISO-8601). */
export interface SealedBatch {
  batch_id: number
  /** 0x + 64 hex characters. */
  merkle_root: string
  reading_count: number
  first_reading_time: number
  last_reading_time: number
  sealed_at: string
  readings: BatchReading[]
}

/** A device key as returned by WattWitnessAnchor.getDeviceKeys (installationId 0 = unknown device). */
export interface DeviceKey {
  x: Hex
  y: Hex
  installationId: bigint
  retiredAt: bigint
}

/** The values anchored by one report (times in Unix seconds). */
export interface AnchorReport {
  batchId: bigint
  merkleRoot: Hex
  readingCount: number
  firstReadingTime: bigint
  lastReadingTime: bigint
}

/** The reading fields of a v1 message (reading-format SPEC, "Message v1"). */
export interface ReadingFields {
  deviceId: string
  meterId: string
  boot: number
  seq: number
  timestampMs: bigint
  powerMw: bigint
  energyMwh: bigint
  flags: number
}

/** A batch that must not be anchored; reason says why, in words fit for the log. */
export class BatchRejected extends Error {
  constructor(readonly reason: string) {
    super(reason)
    this.name = 'BatchRejected'
  }
}

const MESSAGE_LENGTH = 52
const DEFINED_FLAGS = 0x0007
const MAX_ENERGY = (1n << 63n) - 1n
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n
const HALF_N = P256_N >> 1n
const HEX = /^[0-9a-fA-F]*$/

/** ABI of the report: abi.encode(uint64 batchId, bytes32 merkleRoot, uint32 readingCount, uint64 first, uint64 last). */
export const REPORT_PARAMETERS = [
  { name: 'batchId', type: 'uint64' },
  { name: 'merkleRoot', type: 'bytes32' },
  { name: 'readingCount', type: 'uint32' },
  { name: 'firstReadingTime', type: 'uint64' },
  { name: 'lastReadingTime', type: 'uint64' },
] as const

function hexField(value: unknown, chars: number, what: string): Uint8Array {
  if (typeof value !== 'string') throw new BatchRejected(`${what} is not a hex string`)
  const clean = value.startsWith('0x') ? value.slice(2) : value
  if (clean.length !== chars || !HEX.test(clean)) {
    throw new BatchRejected(`${what} must be ${chars} hex characters, got ${clean.length}`)
  }
  return hexToBytes(`0x${clean}`)
}

function integer(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new BatchRejected(`${what} must be a non-negative integer`)
  }
  return value
}

/**
 * Parses and shape-checks the JSON body of a sealed batch.
 * @throws BatchRejected on invalid JSON or any missing / mistyped field.
 */
export function parseBatch(body: string): SealedBatch {
  let raw: unknown
  try {
    raw = JSON.parse(body)
  } catch {
    throw new BatchRejected('batch body is not JSON')
  }
  if (typeof raw !== 'object' || raw === null) throw new BatchRejected('batch body is not a JSON object')
  const b = raw as Record<string, unknown>
  integer(b.batch_id, 'batch_id')
  integer(b.reading_count, 'reading_count')
  integer(b.first_reading_time, 'first_reading_time')
  integer(b.last_reading_time, 'last_reading_time')
  hexField(b.merkle_root, 64, 'merkle_root')
  if (typeof b.sealed_at !== 'string') throw new BatchRejected('sealed_at must be a string')
  if (!Array.isArray(b.readings)) throw new BatchRejected('readings must be an array')
  b.readings.forEach((r: unknown, i: number) => {
    if (typeof r !== 'object' || r === null) throw new BatchRejected(`readings[${i}] is not an object`)
    const reading = r as Record<string, unknown>
    integer(reading.id, `readings[${i}].id`)
    integer(reading.installation_id, `readings[${i}].installation_id`)
    integer(reading.timestamp, `readings[${i}].timestamp`)
    hexField(reading.device_id, 16, `readings[${i}].device_id`)
    hexField(reading.message, 2 * MESSAGE_LENGTH, `readings[${i}].message`)
    hexField(reading.signature, 128, `readings[${i}].signature`)
  })
  return raw as SealedBatch
}

/**
 * Decodes a v1 message strictly (reading-format SPEC, "Message v1").
 * @throws BatchRejected naming the field: length, magic, version, reserved flags, energy range.
 */
export function decodeMessage(message: Uint8Array): ReadingFields {
  if (message.length !== MESSAGE_LENGTH) throw new BatchRejected(`message is ${message.length} bytes, not 52`)
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength)
  if (message[0] !== 0x57 || message[1] !== 0x57 || message[2] !== 0x52) throw new BatchRejected('bad magic')
  if (message[3] !== 0x01) throw new BatchRejected(`unsupported version ${message[3]}`)
  const flags = view.getUint16(50)
  if ((flags & ~DEFINED_FLAGS) !== 0) throw new BatchRejected(`reserved flag bits set: 0x${flags.toString(16)}`)
  const energyMwh = view.getBigUint64(42)
  if (energyMwh > MAX_ENERGY) throw new BatchRejected('energy register above 2^63-1 mWh')
  return {
    deviceId: bytesToHex(message.subarray(4, 12)).slice(2),
    meterId: bytesToHex(message.subarray(12, 18)).slice(2),
    boot: view.getUint32(18),
    seq: view.getUint32(22),
    timestampMs: view.getBigInt64(26),
    powerMw: view.getBigInt64(34),
    energyMwh,
    flags,
  }
}

/** Merkle leaf: keccak256(keccak256(message || signature)) (reading-format SPEC, "Merkle tree"). */
export function leafHash(message: Uint8Array, signature: Uint8Array): Uint8Array {
  const inner = hexToBytes(keccak256(concat(message, signature)))
  return hexToBytes(keccak256(inner))
}

/** Root over leaves in batch order; parent = keccak256(sorted pair); an unpaired last node is carried up. */
export function merkleRoot(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 0) throw new BatchRejected('no leaves')
  let level = leaves
  while (level.length > 1) {
    const next: Uint8Array[] = []
    for (let i = 0; i < level.length; i += 2) {
      if (i + 1 === level.length) next.push(level[i])
      else next.push(hashPair(level[i], level[i + 1]))
    }
    level = next
  }
  return level[0]
}

/** Sibling hashes from leaf index up to the root (OpenZeppelin MerkleProof order). */
export function merkleProof(leaves: Uint8Array[], index: number): Uint8Array[] {
  const proof: Uint8Array[] = []
  let level = leaves
  let i = index
  while (level.length > 1) {
    const sibling = i ^ 1
    if (sibling < level.length) proof.push(level[sibling])
    const next: Uint8Array[] = []
    for (let j = 0; j < level.length; j += 2) {
      next.push(j + 1 === level.length ? level[j] : hashPair(level[j], level[j + 1]))
    }
    level = next
    i = Math.floor(i / 2)
  }
  return proof
}

function hashPair(a: Uint8Array, b: Uint8Array): Uint8Array {
  return hexToBytes(keccak256(compare(a, b) <= 0 ? concat(a, b) : concat(b, a)))
}

function compare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i] - b[i]
  }
  return 0
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

/** 0x-prefixed bytes8 device ids of the batch, distinct, in first-seen order (for getDeviceKeys). */
export function distinctDeviceIds(batch: SealedBatch): Hex[] {
  return [...new Set(batch.readings.map((r) => `0x${r.device_id.toLowerCase()}` as Hex))]
}

/**
 * Checks a sealed batch end to end and returns the values to anchor.
 * @param batch Parsed batch (parseBatch).
 * @param expectedBatchId Last anchored batch id + 1.
 * @param keys Device keys read from the contract, by lowercase device id hex (no 0x).
 * @throws BatchRejected with the first disagreement found.
 */
export function verifyBatch(batch: SealedBatch, expectedBatchId: bigint, keys: Map<string, DeviceKey>): AnchorReport {
  if (BigInt(batch.batch_id) !== expectedBatchId) {
    throw new BatchRejected(`batch_id ${batch.batch_id} is not the next batch ${expectedBatchId}`)
  }
  const readings = batch.readings
  if (readings.length === 0) throw new BatchRejected('batch has no readings')
  if (batch.reading_count !== readings.length) {
    throw new BatchRejected(`reading_count ${batch.reading_count} but ${readings.length} readings served`)
  }
  const leaves: Uint8Array[] = []
  const identities = new Set<string>()
  let first = Number.MAX_SAFE_INTEGER
  let last = 0
  readings.forEach((reading, i) => {
    const what = `reading ${reading.id} (#${i})`
    const message = hexField(reading.message, 104, `${what} message`)
    const signature = hexField(reading.signature, 128, `${what} signature`)
    let fields: ReadingFields
    try {
      fields = decodeMessage(message)
    } catch (e) {
      throw new BatchRejected(`${what}: ${(e as Error).message}`)
    }
    if (fields.deviceId !== reading.device_id.toLowerCase()) {
      throw new BatchRejected(`${what}: device_id ${reading.device_id} differs from the message's ${fields.deviceId}`)
    }
    const seconds = fields.timestampMs >= 0n ? fields.timestampMs / 1000n : (fields.timestampMs - 999n) / 1000n
    if (BigInt(reading.timestamp) !== seconds) {
      throw new BatchRejected(`${what}: timestamp ${reading.timestamp} differs from the message's ${seconds}`)
    }
    const identity = `${fields.deviceId}/${fields.boot}/${fields.seq}`
    if (identities.has(identity)) throw new BatchRejected(`${what}: duplicate reading ${identity}`)
    identities.add(identity)

    const key = keys.get(fields.deviceId)
    if (!key || key.installationId === 0n) throw new BatchRejected(`${what}: device ${fields.deviceId} not registered`)
    if (key.installationId !== BigInt(reading.installation_id)) {
      throw new BatchRejected(
        `${what}: installation ${reading.installation_id} but device registered to ${key.installationId}`,
      )
    }
    if (key.retiredAt !== 0n && seconds > key.retiredAt) {
      throw new BatchRejected(`${what}: device key retired at ${key.retiredAt}, before the reading`)
    }
    const r = BigInt(bytesToHex(signature.subarray(0, 32)))
    const s = BigInt(bytesToHex(signature.subarray(32)))
    if (r === 0n || r >= P256_N || s === 0n || s >= P256_N) throw new BatchRejected(`${what}: r or s out of range`)
    if (s > HALF_N) throw new BatchRejected(`${what}: signature is not low-S`)
    const publicKey = concat(Uint8Array.of(0x04), concat(hexToBytes(key.x), hexToBytes(key.y)))
    const valid = p256.verify(signature, sha256(message), publicKey, { prehash: false, lowS: true })
    if (!valid) throw new BatchRejected(`${what}: signature does not verify against device ${fields.deviceId}`)
    leaves.push(leafHash(message, signature))
    first = Math.min(first, reading.timestamp)
    last = Math.max(last, reading.timestamp)
  })
  if (batch.first_reading_time !== first || batch.last_reading_time !== last) {
    throw new BatchRejected(
      `reading times ${batch.first_reading_time}..${batch.last_reading_time} but readings span ${first}..${last}`,
    )
  }
  const root = bytesToHex(merkleRoot(leaves))
  const claimed = `0x${batch.merkle_root.replace(/^0x/, '').toLowerCase()}`
  if (root !== claimed) {
    throw new BatchRejected(`Merkle root mismatch: API claims ${batch.merkle_root}, readings give ${root}`)
  }
  return {
    batchId: expectedBatchId,
    merkleRoot: root,
    readingCount: readings.length,
    firstReadingTime: BigInt(first),
    lastReadingTime: BigInt(last),
  }
}

/** The report payload exactly as WattWitnessAnchor.onReport decodes it. */
export function encodeReport(report: AnchorReport): Hex {
  return encodeAbiParameters(REPORT_PARAMETERS, [
    report.batchId,
    report.merkleRoot,
    report.readingCount,
    report.firstReadingTime,
    report.lastReadingTime,
  ])
}
