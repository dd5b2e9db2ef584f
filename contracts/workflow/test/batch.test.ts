import { describe, expect, test } from 'bun:test'
import { p256 } from '@noble/curves/nist.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, decodeAbiParameters, hexToBytes } from 'viem'
import {
  BatchRejected,
  decodeMessage,
  encodeReport,
  leafHash,
  merkleProof,
  merkleRoot,
  parseBatch,
  REPORT_PARAMETERS,
  verifyBatch,
} from '../src/batch'
import { deviceKeysOf, merkleVector, merkleVectors, readingVectors, sealedBatchOf } from './fixtures'

const bytes = (hex: string) => hexToBytes(`0x${hex}`)

describe('Merkle rules against merkle.jsonl', () => {
  test('leaf hashes, roots and proofs equal the shared vectors', () => {
    const vectors = merkleVectors()
    expect(vectors.map((v) => v.leaves.length)).toEqual([1, 2, 3, 5, 8, 13])
    for (const v of vectors) {
      const leaves = v.leaves.map((l) => leafHash(bytes(l.message), bytes(l.signature)))
      expect(leaves.map((l) => bytesToHex(l).slice(2))).toEqual(v.leaf_hashes)
      expect(bytesToHex(merkleRoot(leaves)).slice(2)).toBe(v.root)
      v.proofs.forEach((proof, i) => {
        expect(merkleProof(leaves, i).map((p) => bytesToHex(p).slice(2))).toEqual(proof)
      })
    }
  })

  test('every vector batch verifies and yields the anchored values', () => {
    for (const v of merkleVectors()) {
      const batch = sealedBatchOf(v, 7)
      const report = verifyBatch(batch, 7n, deviceKeysOf(v))
      expect(report.merkleRoot).toBe(`0x${v.root}`)
      expect(report.readingCount).toBe(v.leaves.length)
      expect(report.firstReadingTime).toBe(BigInt(batch.first_reading_time))
      expect(report.lastReadingTime).toBe(BigInt(batch.last_reading_time))
    }
  })
})

describe('reading rules against readings.jsonl', () => {
  test('valid vectors verify in low-S form; invalid ones fail for their stated reason', () => {
    const vectors = readingVectors()
    expect(vectors.length).toBeGreaterThanOrEqual(20)
    for (const v of vectors) {
      const message = bytes(v.message)
      if (v.error === 'message_length' || v.error === 'magic' || v.error === 'version') {
        expect(() => decodeMessage(message)).toThrow(BatchRejected)
        continue
      }
      if (v.error === 'reserved_flags' || v.error === 'energy_range') {
        expect(() => decodeMessage(message)).toThrow(BatchRejected)
        continue
      }
      const fields = decodeMessage(message)
      if (v.expected === 'valid') {
        const sig = bytes(v.low_s_signature as string)
        const ok = p256.verify(sig, sha256(message), bytes(`04${v.public_key}`), { prehash: false, lowS: true })
        expect(ok).toBe(true)
        expect(fields.deviceId).toBe(bytesToHex(sha256(bytes(v.public_key)).subarray(0, 8)).slice(2))
      }
    }
  })
})

describe('verifyBatch rejections', () => {
  const v = merkleVector('batch-of-5')
  const keys = deviceKeysOf(v)

  test('wrong batch id', () => {
    expect(() => verifyBatch(sealedBatchOf(v, 3), 4n, keys)).toThrow('is not the next batch 4')
  })

  test('reading_count disagrees', () => {
    const batch = { ...sealedBatchOf(v, 1), reading_count: 6 }
    expect(() => verifyBatch(batch, 1n, keys)).toThrow('reading_count 6 but 5 readings served')
  })

  test('flipped message byte fails the signature', () => {
    const batch = sealedBatchOf(v, 1)
    const m = batch.readings[2].message
    batch.readings[2].message = `${m.slice(0, 80)}${m[80] === '0' ? '1' : '0'}${m.slice(81)}`
    expect(() => verifyBatch(batch, 1n, keys)).toThrow('signature does not verify')
  })

  test('high-S signature is refused', () => {
    const batch = sealedBatchOf(v, 1)
    const sig = batch.readings[0].signature
    const n = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n
    const s = BigInt(`0x${sig.slice(64)}`)
    batch.readings[0].signature = sig.slice(0, 64) + (n - s).toString(16).padStart(64, '0')
    expect(() => verifyBatch(batch, 1n, keys)).toThrow('not low-S')
  })

  test('unknown device, wrong installation, retired key', () => {
    const batch = sealedBatchOf(v, 1)
    const device = batch.readings[0].device_id
    const unknown = new Map(keys)
    unknown.delete(device)
    expect(() => verifyBatch(batch, 1n, unknown)).toThrow('not registered')
    const moved = new Map(keys)
    moved.set(device, { ...(keys.get(device) as NonNullable<ReturnType<typeof keys.get>>), installationId: 9n })
    expect(() => verifyBatch(batch, 1n, moved)).toThrow('device registered to 9')
    const retired = new Map(keys)
    const key = keys.get(device) as NonNullable<ReturnType<typeof keys.get>>
    retired.set(device, { ...key, retiredAt: BigInt(batch.readings[0].timestamp - 1) })
    expect(() => verifyBatch(batch, 1n, retired)).toThrow('retired')
  })

  test('duplicate reading, wrong timestamps, device id field, root', () => {
    const dup = sealedBatchOf(v, 1)
    dup.readings[1] = { ...dup.readings[0], id: 5 }
    expect(() => verifyBatch(dup, 1n, keys)).toThrow('duplicate reading')
    const times = { ...sealedBatchOf(v, 1), last_reading_time: 1 }
    expect(() => verifyBatch(times, 1n, keys)).toThrow('reading times')
    const ts = sealedBatchOf(v, 1)
    ts.readings[0].timestamp += 1
    expect(() => verifyBatch(ts, 1n, keys)).toThrow("differs from the message's")
    const dev = sealedBatchOf(v, 1)
    dev.readings[0].device_id = '0102030405060708'
    expect(() => verifyBatch(dev, 1n, keys)).toThrow('device_id 0102030405060708')
    const root = { ...sealedBatchOf(v, 1), merkle_root: `0x${'ab'.repeat(32)}` }
    expect(() => verifyBatch(root, 1n, keys)).toThrow('Merkle root mismatch')
  })

  test('malformed JSON bodies', () => {
    expect(() => parseBatch('not json')).toThrow('not JSON')
    expect(() => parseBatch('{"batch_id":1}')).toThrow('reading_count')
    const bad = { ...sealedBatchOf(v, 1) }
    bad.readings = [{ ...bad.readings[0], signature: 'abc' }]
    expect(() => parseBatch(JSON.stringify(bad))).toThrow('readings[0].signature must be 128 hex characters')
  })
})

test('report encoding is abi.encode(uint64, bytes32, uint32, uint64, uint64)', () => {
  const root = `0x${'11'.repeat(32)}` as const
  const hex = encodeReport({
    batchId: 3n,
    merkleRoot: root,
    readingCount: 1000,
    firstReadingTime: 1767225600n,
    lastReadingTime: 1767225900n,
  })
  expect(hex.length).toBe(2 + 2 * 160)
  expect(decodeAbiParameters(REPORT_PARAMETERS, hex)).toEqual([3n, root, 1000, 1767225600n, 1767225900n])
})
