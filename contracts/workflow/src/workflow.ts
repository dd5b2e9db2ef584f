/**
 * WattWitness anchoring workflow (Chainlink CRE). On each cron tick:
 *   1. EVM read: WattWitnessAnchor.lastBatchId() -> the next batch id N + 1;
 *   2. HTTP fetch (node mode, identical-response consensus): GET {apiBaseUrl}/api/v1/batches/{N + 1};
 *   3. EVM read: getDeviceKeys(device ids of the batch);
 *   4. verifies every reading and recomputes the Merkle root (batch.ts); any disagreement: log, write nothing;
 *   5. report = abi.encode(batchId, merkleRoot, readingCount, firstReadingTime, lastReadingTime), signed by the
 *      DON and written through the EVM capability to the Keystone forwarder, which calls onReport.
 * The handler returns a one-line outcome (also logged) so runners and tests can assert it.
 */
import {
  bytesToHex,
  type CronPayload,
  consensusIdenticalAggregation,
  cre,
  encodeCallMsg,
  getNetwork,
  type HTTPSendRequester,
  LAST_FINALIZED_BLOCK_NUMBER,
  LATEST_BLOCK_NUMBER,
  prepareReportRequest,
  type Runtime,
  TxStatus,
} from '@chainlink/cre-sdk'
import { type Address, decodeFunctionResult, encodeFunctionData, type Hex, zeroAddress } from 'viem'
import { z } from 'zod'
import { anchorAbi } from './abi'
import { BatchRejected, type DeviceKey, distinctDeviceIds, encodeReport, parseBatch, verifyBatch } from './batch'

/** Workflow configuration (config.*.json beside this file). */
export const configSchema = z.object({
  /** Six-field cron expression (seconds first); default every 5 minutes. */
  schedule: z.string().default('0 */5 * * * *'),
  /** query-service base URL, without trailing slash, e.g. https://api.wattwitness.example. */
  apiBaseUrl: z.string().url(),
  /** CRE chain selector name; avalanche-testnet-fuji for Fuji (and the local anvil chain, chain id 43113). */
  chainSelectorName: z.string(),
  /** WattWitnessAnchor address. */
  anchorAddress: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  /** Gas limit for the forwarder transaction. */
  gasLimit: z.string().regex(/^[0-9]+$/).default('500000'),
  /** Read the contract at the last finalized block (production) or the latest block (local chain). */
  readFinalized: z.boolean().default(true),
})

export type Config = z.infer<typeof configSchema>

/** What the query-service answered, as agreed by the DON (identical across nodes). */
export interface FetchedBatch {
  statusCode: number
  body: string
}

/** Outcome prefixes returned (and logged) by onCron. */
export const Outcome = {
  anchored: 'anchored',
  noNewBatch: 'no-new-batch',
  apiError: 'api-error',
  rejected: 'rejected',
  writeFailed: 'write-failed',
} as const

/** Node-mode fetch of one sealed batch; a non-2xx status is a value (404 = not sealed yet), not an error. */
export function fetchBatch(sendRequester: HTTPSendRequester, config: Config, batchId: string): FetchedBatch {
  const response = sendRequester
    .sendRequest({
      url: `${config.apiBaseUrl}/api/v1/batches/${batchId}`,
      method: 'GET',
      headers: { accept: 'application/json' },
    })
    .result()
  return { statusCode: response.statusCode, body: new TextDecoder().decode(response.body) }
}

function evmClient(config: Config) {
  const network = getNetwork({ chainFamily: 'evm', chainSelectorName: config.chainSelectorName })
  if (!network) throw new Error(`unknown chain selector name ${config.chainSelectorName}`)
  return new cre.capabilities.EVMClient(network.chainSelector.selector)
}

function readContract(runtime: Runtime<Config>, evm: ReturnType<typeof evmClient>, data: Hex): Hex {
  const reply = evm
    .callContract(runtime, {
      call: encodeCallMsg({ from: zeroAddress, to: runtime.config.anchorAddress as Address, data }),
      blockNumber: runtime.config.readFinalized ? LAST_FINALIZED_BLOCK_NUMBER : LATEST_BLOCK_NUMBER,
    })
    .result()
  return bytesToHex(reply.data)
}

/** Reads WattWitnessAnchor.lastBatchId(). */
export function readLastBatchId(runtime: Runtime<Config>, evm: ReturnType<typeof evmClient>): bigint {
  const data = readContract(runtime, evm, encodeFunctionData({ abi: anchorAbi, functionName: 'lastBatchId' }))
  return decodeFunctionResult({ abi: anchorAbi, functionName: 'lastBatchId', data })
}

/** Reads the registered keys of the given device ids, keyed by lowercase device id hex without 0x. */
export function readDeviceKeys(
  runtime: Runtime<Config>,
  evm: ReturnType<typeof evmClient>,
  deviceIds: Hex[],
): Map<string, DeviceKey> {
  const call = encodeFunctionData({ abi: anchorAbi, functionName: 'getDeviceKeys', args: [deviceIds] })
  const data = readContract(runtime, evm, call)
  const keys = decodeFunctionResult({ abi: anchorAbi, functionName: 'getDeviceKeys', data })
  const byId = new Map<string, DeviceKey>()
  deviceIds.forEach((id, i) => {
    const k = keys[i]
    byId.set(id.slice(2).toLowerCase(), {
      x: k.x,
      y: k.y,
      installationId: k.installationId,
      retiredAt: k.retiredAt,
    })
  })
  return byId
}

function done(runtime: Runtime<Config>, outcome: string): string {
  runtime.log(outcome)
  return outcome
}

/** The cron handler. Returns the outcome line (see Outcome); never writes unless every check passed. */
export function onCron(runtime: Runtime<Config>, _payload?: CronPayload): string {
  const config = runtime.config
  const evm = evmClient(config)
  const next = readLastBatchId(runtime, evm) + 1n

  let fetched: FetchedBatch
  try {
    fetched = new cre.capabilities.HTTPClient()
      .sendRequest(runtime, fetchBatch, consensusIdenticalAggregation<FetchedBatch>())(config, next.toString())
      .result()
  } catch (e) {
    return done(runtime, `${Outcome.apiError}: query-service unreachable for batch ${next}: ${(e as Error).message}`)
  }
  if (fetched.statusCode === 404) {
    return done(runtime, `${Outcome.noNewBatch}: batch ${next} is not sealed yet`)
  }
  if (fetched.statusCode < 200 || fetched.statusCode > 299) {
    return done(runtime, `${Outcome.apiError}: query-service answered HTTP ${fetched.statusCode} for batch ${next}`)
  }

  let report
  try {
    const batch = parseBatch(fetched.body)
    const keys = readDeviceKeys(runtime, evm, distinctDeviceIds(batch))
    report = verifyBatch(batch, next, keys)
  } catch (e) {
    if (e instanceof BatchRejected) {
      return done(runtime, `${Outcome.rejected}: batch ${next} not anchored: ${e.reason}`)
    }
    throw e
  }

  const signed = runtime.report(prepareReportRequest(encodeReport(report))).result()
  const reply = evm
    .writeReport(runtime, {
      receiver: config.anchorAddress,
      report: signed,
      gasConfig: { gasLimit: config.gasLimit },
    })
    .result()
  if (reply.txStatus !== TxStatus.SUCCESS) {
    return done(runtime, `${Outcome.writeFailed}: batch ${next}: transaction status ${TxStatus[reply.txStatus]}`)
  }
  if (reply.receiverContractExecutionStatus === 1) {
    return done(runtime, `${Outcome.writeFailed}: batch ${next}: onReport reverted`)
  }
  const tx = reply.txHash ? ` tx ${bytesToHex(reply.txHash)}` : ''
  return done(
    runtime,
    `${Outcome.anchored}: batch ${next} root ${report.merkleRoot} with ${report.readingCount} readings${tx}`,
  )
}

/** Registers the cron handler (the workflow graph given to the CRE runner). */
export function initWorkflow(config: Config) {
  const cron = new cre.capabilities.CronCapability()
  return [cre.handler(cron.trigger({ schedule: config.schedule }), onCron)]
}
