/** Test data from the shared reading-format vectors (../reading-format/vectors, hex without 0x). */
import type { DeviceKey, SealedBatch } from '../src/batch'

export const VECTORS = `${import.meta.dir}/../../../reading-format/vectors`

export interface MerkleVector {
  name: string
  leaves: { message: string; signature: string; public_key: string }[]
  leaf_hashes: string[]
  root: string
  proofs: string[][]
}

export interface ReadingVector {
  name: string
  message: string
  public_key: string
  signature: string
  low_s_signature: string | null
  expected: 'valid' | 'invalid'
  error: string | null
}

async function jsonl<T>(file: string): Promise<T[]> {
  const text = await Bun.file(`${VECTORS}/${file}`).text()
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T)
}

const merkle = await jsonl<MerkleVector>('merkle.jsonl')
const readings = await jsonl<ReadingVector>('readings.jsonl')

export const merkleVectors = (): MerkleVector[] => structuredClone(merkle)
export const readingVectors = (): ReadingVector[] => structuredClone(readings)

export function merkleVector(name: string): MerkleVector {
  const found = merkleVectors().find((v) => v.name === name)
  if (!found) throw new Error(`no merkle vector ${name}`)
  return found
}

/** Installation id per distinct public key, in order of first appearance (1, 2, ...). */
export function installationsOf(vector: MerkleVector): Map<string, number> {
  const ids = new Map<string, number>()
  for (const leaf of vector.leaves) {
    if (!ids.has(leaf.public_key)) ids.set(leaf.public_key, ids.size + 1)
  }
  return ids
}

/** The sealed-batch JSON that query-service serves for this vector (workflow/README.md, "Batch JSON"). */
export function sealedBatchOf(vector: MerkleVector, batchId: number): SealedBatch {
  const installations = installationsOf(vector)
  const readings = vector.leaves.map((leaf, i) => {
    const timestampMs = BigInt(`0x${leaf.message.slice(52, 68)}`)
    return {
      id: 1000 + i,
      installation_id: installations.get(leaf.public_key) as number,
      device_id: leaf.message.slice(8, 24),
      message: leaf.message,
      signature: leaf.signature,
      timestamp: Number(timestampMs / 1000n),
    }
  })
  const times = readings.map((r) => r.timestamp)
  return {
    batch_id: batchId,
    merkle_root: `0x${vector.root}`,
    reading_count: readings.length,
    first_reading_time: Math.min(...times),
    last_reading_time: Math.max(...times),
    sealed_at: '2026-01-01T00:10:00Z',
    readings,
  }
}

/** Device keys as the contract would return them, by device id hex (no 0x). */
export function deviceKeysOf(vector: MerkleVector): Map<string, DeviceKey> {
  const installations = installationsOf(vector)
  const keys = new Map<string, DeviceKey>()
  for (const leaf of vector.leaves) {
    keys.set(leaf.message.slice(8, 24), {
      x: `0x${leaf.public_key.slice(0, 64)}`,
      y: `0x${leaf.public_key.slice(64)}`,
      installationId: BigInt(installations.get(leaf.public_key) as number),
      retiredAt: 0n,
    })
  }
  return keys
}
