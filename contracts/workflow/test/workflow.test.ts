import { describe, expect } from 'bun:test'
import {
  addContractMock,
  EvmMock,
  HttpActionsMock,
  newTestRuntime,
  test,
  type WriteReportMockInput,
} from '@chainlink/cre-sdk/test'
import { bytesToHex, decodeAbiParameters, type Hex } from 'viem'
import { anchorAbi } from '../src/abi'
import { REPORT_PARAMETERS, type SealedBatch } from '../src/batch'
import { type Config, onCron } from '../src/workflow'
import { deviceKeysOf, merkleVector, sealedBatchOf } from './fixtures'

const FUJI_SELECTOR = 14767482510784806043n
const ANCHOR: Hex = '0x00000000000000000000000000000000000a0c40'
const config: Config = {
  schedule: '0 */5 * * * *',
  apiBaseUrl: 'http://query-service.test',
  chainSelectorName: 'avalanche-testnet-fuji',
  anchorAddress: ANCHOR,
  gasLimit: '500000',
  readFinalized: true,
}

const vector = merkleVector('batch-of-5')

interface Stage {
  requestedUrls: string[]
  writes: WriteReportMockInput[]
}

/** Wires the EVM mock (lastBatchId = 4, keys of the vector's devices) and an HTTP answer. */
function stage(answer: () => { statusCode: number; body?: SealedBatch | string }): Stage {
  const staged: Stage = { requestedUrls: [], writes: [] }
  const evm = EvmMock.testInstance(FUJI_SELECTOR)
  const anchor = addContractMock(evm, { address: ANCHOR, abi: anchorAbi })
  const keys = deviceKeysOf(vector)
  anchor.lastBatchId = () => 4n
  anchor.getDeviceKeys = (...args: readonly unknown[]) =>
    (args[0] as Hex[]).map((id) => {
      const key = keys.get(id.slice(2))
      return {
        x: key?.x ?? `0x${'00'.repeat(32)}`,
        y: key?.y ?? `0x${'00'.repeat(32)}`,
        installationId: key?.installationId ?? 0n,
        meterId: '0x34945a1b2c3d',
        registeredAt: 1n,
        retiredAt: key?.retiredAt ?? 0n,
      }
    })
  anchor.writeReport = (input) => {
    staged.writes.push(input)
    return {
      txStatus: 'TX_STATUS_SUCCESS',
      receiverContractExecutionStatus: 'RECEIVER_CONTRACT_EXECUTION_STATUS_SUCCESS',
    }
  }
  HttpActionsMock.testInstance().sendRequest = (request) => {
    staged.requestedUrls.push(request.url)
    const { statusCode, body } = answer()
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body)
    return { statusCode, body: Buffer.from(text).toString('base64') }
  }
  return staged
}

describe('anchoring workflow', () => {
  test('happy path: verifies batch 5 and writes the report onReport decodes', () => {
    const batch = sealedBatchOf(vector, 5)
    const staged = stage(() => ({ statusCode: 200, body: batch }))
    const runtime = newTestRuntime<Config>(null, {}, config)

    const outcome = onCron(runtime)

    expect(outcome).toBe(`anchored: batch 5 root 0x${vector.root} with 5 readings`)
    expect(staged.requestedUrls).toEqual(['http://query-service.test/api/v1/batches/5'])
    expect(staged.writes.length).toBe(1)
    const write = staged.writes[0]
    expect(bytesToHex(write.receiver)).toBe(ANCHOR)
    expect(write.gasConfig.gasLimit).toBe(500000n)
    const payload = bytesToHex(write.report.rawReport.subarray(109))
    expect(decodeAbiParameters(REPORT_PARAMETERS, payload)).toEqual([
      5n,
      `0x${vector.root}`,
      5,
      BigInt(batch.first_reading_time),
      BigInt(batch.last_reading_time),
    ])
    expect(runtime.getLogs().some((l) => l.includes('anchored: batch 5'))).toBe(true)
  })

  test('API down: nothing is written and the reason is logged', () => {
    const staged = stage(() => {
      throw new Error('connection refused')
    })
    const runtime = newTestRuntime<Config>(null, {}, config)
    const outcome = onCron(runtime)
    expect(outcome).toStartWith('api-error: query-service unreachable for batch 5')
    expect(outcome).toContain('connection refused')
    expect(staged.writes.length).toBe(0)
    expect(runtime.getLogs().some((l) => l.includes('api-error'))).toBe(true)
  })

  test('API error status: nothing is written', () => {
    const staged = stage(() => ({ statusCode: 503, body: 'maintenance' }))
    const outcome = onCron(newTestRuntime<Config>(null, {}, config))
    expect(outcome).toBe('api-error: query-service answered HTTP 503 for batch 5')
    expect(staged.writes.length).toBe(0)
  })

  test('tampered reading: rejected, nothing written', () => {
    const batch = sealedBatchOf(vector, 5)
    const m = batch.readings[3].message
    batch.readings[3].message = `${m.slice(0, 90)}${m[90] === 'f' ? 'e' : 'f'}${m.slice(91)}`
    const staged = stage(() => ({ statusCode: 200, body: batch }))
    const runtime = newTestRuntime<Config>(null, {}, config)
    const outcome = onCron(runtime)
    expect(outcome).toStartWith('rejected: batch 5 not anchored: reading 1003 (#3): signature does not verify')
    expect(staged.writes.length).toBe(0)
    expect(runtime.getLogs().some((l) => l.startsWith('rejected: batch 5'))).toBe(true)
  })

  test('root mismatch: rejected, nothing written', () => {
    const batch = { ...sealedBatchOf(vector, 5), merkle_root: `0x${merkleVector('batch-of-8').root}` }
    const staged = stage(() => ({ statusCode: 200, body: batch }))
    const outcome = onCron(newTestRuntime<Config>(null, {}, config))
    expect(outcome).toBe(
      `rejected: batch 5 not anchored: Merkle root mismatch: API claims 0x${merkleVector('batch-of-8').root}, readings give 0x${vector.root}`,
    )
    expect(staged.writes.length).toBe(0)
  })

  test('no new batch: 404 means not sealed yet, nothing written', () => {
    const staged = stage(() => ({ statusCode: 404, body: '{"error":"not found"}' }))
    const outcome = onCron(newTestRuntime<Config>(null, {}, config))
    expect(outcome).toBe('no-new-batch: batch 5 is not sealed yet')
    expect(staged.requestedUrls).toEqual(['http://query-service.test/api/v1/batches/5'])
    expect(staged.writes.length).toBe(0)
  })

  test('device_id field that disagrees with the message: rejected, nothing written', () => {
    const batch = sealedBatchOf(merkleVector('batch-of-1'), 5)
    batch.readings[0].device_id = 'ffffffffffffffff'
    const staged = stage(() => ({ statusCode: 200, body: batch }))
    const outcome = onCron(newTestRuntime<Config>(null, {}, config))
    expect(outcome).toContain('device_id ffffffffffffffff differs')
    expect(staged.writes.length).toBe(0)
  })
})
