/**
 * Acceptance test: anvil (osaka, chain id 43113) + deploy + registration from a real HTTP API + one sealed batch
 * from the shared Merkle vectors anchored by the local runner (the real workflow code, real HTTP, real EVM write
 * through the LocalForwarder); then verifyReading via eth_call: true for a real reading, false for a tampered one.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Server, Subprocess } from 'bun'
import { createPublicClient, type Hex, http } from 'viem'
import { anchorAbi } from '../workflow/src/abi'
import { merkleVector, sealedBatchOf } from '../workflow/test/fixtures'
import {
  CONTRACTS_DIR,
  type Deployment,
  deployLocal,
  freePort,
  registerFromApi,
  runnerEnv,
  startAnvil,
} from '../workflow/local/stack'

const vector = merkleVector('batch-of-13')
const batch = sealedBatchOf(vector, 1)
const tag = `e2e-${process.pid}-${Date.now()}`
const deploymentFile = `deployments/${tag}.json`
const installationsFile = `deployments/${tag}-installations.json`

let anvil: Subprocess | undefined
let api: Server<undefined> | undefined
let rpcUrl = ''
let deployment: Deployment

async function runOnce(): Promise<string> {
  const proc = Bun.spawn([process.execPath, 'workflow/local-runner.ts', '--once'], {
    cwd: CONTRACTS_DIR,
    env: { ...process.env, ...runnerEnv(rpcUrl, deploymentFile, `http://127.0.0.1:${api?.port}`) },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ])
  if (code !== 0) throw new Error(`local runner exited ${code}\n${out}\n${err}`)
  return out
}

beforeAll(async () => {
  const port = freePort()
  rpcUrl = `http://127.0.0.1:${port}`
  anvil = await startAnvil(port)
  api = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch(request) {
      const path = new URL(request.url).pathname
      if (path === '/api/v1/installations/') {
        const seen = new Map<string, number>()
        for (const r of batch.readings) seen.set(r.device_id, r.installation_id)
        const keyOf = (deviceId: string) =>
          vector.leaves.find((l) => l.message.slice(8, 24) === deviceId)?.public_key
        return Response.json(
          [...seen].map(([deviceId, id]) => ({
            id,
            name: `installation ${id}`,
            shelly_mac: '34945a1b2c3d',
            public_key: keyOf(deviceId),
            device_id: deviceId,
          })),
        )
      }
      if (path === '/api/v1/batches/1') return Response.json(batch)
      return Response.json({ error: 'not found' }, { status: 404 })
    },
  })
  deployment = await deployLocal(rpcUrl, deploymentFile)
  await registerFromApi(rpcUrl, deployment.anchor, `http://127.0.0.1:${api.port}`, installationsFile)
}, 120_000)

afterAll(async () => {
  api?.stop(true)
  anvil?.kill()
  await anvil?.exited
  for (const file of [deploymentFile, installationsFile]) {
    const handle = Bun.file(`${CONTRACTS_DIR}/${file}`)
    if (await handle.exists()) await handle.delete()
  }
})

describe('anvil end to end', () => {
  test('the local runner anchors the sealed batch and any reading is provable on chain', async () => {
    const client = createPublicClient({ transport: http(rpcUrl) })
    expect(deployment.chainId).toBe(43113)
    expect(deployment.localForwarder).toBe(true)

    const output = await runOnce()
    expect(output).toContain(`outcome: anchored: batch 1 root 0x${vector.root} with 13 readings`)
    const gas = /gasUsed (\d+)/.exec(output)
    console.log(`anchoring transaction (LocalForwarder.report -> onReport), 13 readings: gasUsed ${gas?.[1]}`)

    const stored = await client.readContract({
      address: deployment.anchor,
      abi: anchorAbi,
      functionName: 'getBatch',
      args: [1n],
    })
    expect(stored.merkleRoot).toBe(`0x${vector.root}`)
    expect(stored.readingCount).toBe(13)
    expect(BigInt(stored.firstReadingTime)).toBe(BigInt(batch.first_reading_time))

    const i = 6
    const message = `0x${vector.leaves[i].message}` as Hex
    const signature = `0x${vector.leaves[i].signature}` as Hex
    const proof = vector.proofs[i].map((p) => `0x${p}` as Hex)
    const verify = (m: Hex) =>
      client.readContract({
        address: deployment.anchor,
        abi: anchorAbi,
        functionName: 'verifyReading',
        args: [m, signature, 1n, proof],
      })
    expect(await verify(message)).toBe(true)
    const tampered = `${message.slice(0, 80)}${message[80] === '0' ? '1' : '0'}${message.slice(81)}` as Hex
    expect(await verify(tampered)).toBe(false)

    // the next tick finds no new batch and writes nothing
    const again = await runOnce()
    expect(again).toContain('outcome: no-new-batch: batch 2 is not sealed yet')
    const last = await client.readContract({ address: deployment.anchor, abi: anchorAbi, functionName: 'lastBatchId' })
    expect(last).toBe(1n)
  }, 120_000)
})
