/**
 * A single-node CRE host for local runs: runs the real workflow handler (src/workflow.ts) in the SDK's own
 * runtime (RuntimeImpl) and answers its capability calls for real:
 *   - http-actions: real HTTP (sync-http.ts);
 *   - evm CallContract: eth_call on the chain's JSON-RPC;
 *   - consensus Simple: a one-node DON agrees with its own observation;
 *   - consensus Report: builds the 109-byte Keystone report header (workflow id, name, owner from the local
 *     identity) and signs it with the local DON keys (secp256k1), as a DON does;
 *   - evm WriteReport: sends LocalForwarder.report(receiver, rawReport, reportContext, signatures) from the
 *     transmitter account and reads the forwarder's ReportProcessed result.
 */
import { create } from '@bufbuild/protobuf'
import { type Any, anyPack, anyUnpack } from '@bufbuild/protobuf/wkt'
import { EVM_PB, HTTP_CLIENT_PB, SDK_PB, VALUES_PB } from '@chainlink/cre-sdk/pb'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { sha256 } from '@noble/hashes/sha2.js'
import {
  bytesToHex,
  concat,
  decodeEventLog,
  encodeFunctionData,
  type Hex,
  hexToBytes,
  keccak256,
  numberToHex,
  pad,
  toHex,
} from 'viem'
import { RuntimeImpl } from '../../node_modules/@chainlink/cre-sdk/dist/sdk/impl/runtime-impl.js'
import { localForwarderAbi } from '../src/abi'
import { syncHttp } from './sync-http'

type CapabilityResult = { case: 'payload'; value: Any } | { case: 'error'; value: string }
type Handler = (method: string, payload: Any) => CapabilityResult

/** Identity and keys of the local DON and chain. */
export interface LocalHostOptions {
  rpcUrl: string
  chainSelector: bigint
  forwarderAddress: Hex
  /** Unlocked node account that sends the forwarder transactions (anvil dev account). */
  transmitter: Hex
  /** secp256k1 private keys of the DON signers configured in the LocalForwarder (f + 1 of them sign). */
  donSignerKeys: Hex[]
  donId: number
  donConfigVersion: number
  workflowOwner: Hex
  /** Plain workflow name; the header carries the first 10 hex characters of its SHA-256, as CRE does. */
  workflowName: string
  workflowId: Hex
  log: (line: string) => void
}

/** CRE's bytes10 workflow name: ASCII of the first 10 hex characters of SHA-256(name). */
export function encodeWorkflowName(name: string): Uint8Array {
  return new TextEncoder().encode(bytesToHex(sha256(new TextEncoder().encode(name))).slice(2, 12))
}

let rpcId = 0

/** Blocking JSON-RPC call. @throws Error with the node's error message. */
export function rpc<T>(url: string, method: string, params: unknown[]): T {
  const response = syncHttp(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: ++rpcId, method, params }),
  })
  const json = JSON.parse(new TextDecoder().decode(response.body)) as { result?: T; error?: { message: string } }
  if (json.error) throw new Error(`${method}: ${json.error.message}`)
  return json.result as T
}

function ok(value: Any): CapabilityResult {
  return { case: 'payload', value }
}

/** Builds the capability handlers and a RuntimeImpl that uses them. */
export class LocalHost {
  private readonly handlers = new Map<string, Handler>()
  private executions = 0

  constructor(private readonly options: LocalHostOptions) {
    this.handlers.set('http-actions@1.0.0-alpha', (method, payload) => this.http(method, payload))
    this.handlers.set('consensus@1.0.0-alpha', (method, payload) => this.consensus(method, payload))
    this.handlers.set(`evm:ChainSelector:${options.chainSelector}@1.0.0`, (method, payload) =>
      this.evm(method, payload),
    )
  }

  /** A fresh DON-mode runtime for one execution of a handler. */
  newRuntime<C>(config: C): RuntimeImpl<C> {
    this.executions++
    const pending = new Map<number, CapabilityResult>()
    const handlers = this.handlers
    const log = this.options.log
    const helpers = {
      call(request: SDK_PB.CapabilityRequest): boolean {
        const handler = handlers.get(request.id)
        if (!handler) return false
        let result: CapabilityResult
        try {
          result = handler(request.method, request.payload as Any)
        } catch (e) {
          result = { case: 'error', value: e instanceof Error ? e.message : String(e) }
        }
        pending.set(request.callbackId, result)
        return true
      },
      await(request: SDK_PB.AwaitCapabilitiesRequest): SDK_PB.AwaitCapabilitiesResponse {
        const responses: Record<number, SDK_PB.CapabilityResponse> = {}
        for (const id of request.ids) {
          const result = pending.get(id)
          if (!result) throw new Error(`no pending capability call ${id}`)
          pending.delete(id)
          responses[id] = create(SDK_PB.CapabilityResponseSchema, { response: result })
        }
        return create(SDK_PB.AwaitCapabilitiesResponseSchema, { responses })
      },
      getSecrets(): void {
        throw new Error('the local host has no secrets')
      },
      awaitSecrets(): SDK_PB.AwaitSecretsResponse {
        throw new Error('the local host has no secrets')
      },
      switchModes(): void {},
      now: () => Date.now(),
      sleep(ms: number): void {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
      },
      log(message: string): void {
        log(message)
      },
    }
    return new RuntimeImpl<C>(config, 0, helpers, BigInt(5 * 1024 * 1024))
  }

  private http(method: string, payload: Any): CapabilityResult {
    if (method !== 'SendRequest') return { case: 'error', value: `http: unknown method ${method}` }
    const request = anyUnpack(payload, HTTP_CLIENT_PB.RequestSchema) as HTTP_CLIENT_PB.Request
    const response = syncHttp(request.url, {
      method: request.method || 'GET',
      headers: request.headers,
      body: request.body.length ? new TextDecoder().decode(request.body) : undefined,
    })
    return ok(
      anyPack(
        HTTP_CLIENT_PB.ResponseSchema,
        create(HTTP_CLIENT_PB.ResponseSchema, { statusCode: response.status, body: response.body }),
      ),
    )
  }

  private consensus(method: string, payload: Any): CapabilityResult {
    if (method === 'Simple') {
      const input = anyUnpack(payload, SDK_PB.SimpleConsensusInputsSchema) as SDK_PB.SimpleConsensusInputs
      const observation = input.observation
      if (observation.case === 'value') return ok(anyPack(VALUES_PB.ValueSchema, observation.value))
      if (input.default) return ok(anyPack(VALUES_PB.ValueSchema, input.default))
      return { case: 'error', value: observation.case === 'error' ? observation.value : 'no observation' }
    }
    if (method === 'Report') {
      const input = anyUnpack(payload, SDK_PB.ReportRequestSchema) as SDK_PB.ReportRequest
      return ok(anyPack(SDK_PB.ReportResponseSchema, this.signReport(input.encodedPayload)))
    }
    return { case: 'error', value: `consensus: unknown method ${method}` }
  }

  /** Header (KeystoneForwarder layout) || payload, signed by f + 1 local DON keys. */
  private signReport(encodedPayload: Uint8Array): SDK_PB.ReportResponse {
    const o = this.options
    const now = Math.floor(Date.now() / 1000)
    const executionId = keccak256(concat([o.workflowId, numberToHex(Date.now(), { size: 8 }), toHex(this.executions)]))
    const header = concat([
      '0x01',
      executionId,
      numberToHex(now, { size: 4 }),
      numberToHex(o.donId, { size: 4 }),
      numberToHex(o.donConfigVersion, { size: 4 }),
      o.workflowId,
      bytesToHex(encodeWorkflowName(o.workflowName)),
      o.workflowOwner,
      '0x0001',
    ])
    const rawReport = hexToBytes(concat([header, bytesToHex(encodedPayload)]))
    const seqNr = BigInt(now)
    const reportContext = hexToBytes(concat([pad('0x00', { size: 32 }), numberToHex(seqNr, { size: 32 })]))
    const digest = hexToBytes(keccak256(concat([keccak256(rawReport), bytesToHex(reportContext)])))
    const f = Math.floor((o.donSignerKeys.length - 1) / 3)
    const sigs = o.donSignerKeys.slice(0, f + 1).map((key, i) => {
      const recovered = secp256k1.sign(digest, hexToBytes(key), { prehash: false, format: 'recovered' })
      const signature = new Uint8Array(65)
      signature.set(recovered.subarray(1), 0) // r || s
      signature[64] = recovered[0] // v in {0, 1}; the forwarder adds 27
      return create(SDK_PB.AttributedSignatureSchema, { signature, signerId: i })
    })
    return create(SDK_PB.ReportResponseSchema, {
      configDigest: new Uint8Array(32),
      seqNr,
      reportContext,
      rawReport,
      sigs,
    })
  }

  private evm(method: string, payload: Any): CapabilityResult {
    const o = this.options
    if (method === 'CallContract') {
      const request = anyUnpack(payload, EVM_PB.CallContractRequestSchema) as EVM_PB.CallContractRequest
      const call = request.call
      if (!call) return { case: 'error', value: 'CallContract without call' }
      const data = rpc<Hex>(o.rpcUrl, 'eth_call', [
        { from: bytesToHex(call.from), to: bytesToHex(call.to), data: bytesToHex(call.data) },
        'latest',
      ])
      return ok(
        anyPack(EVM_PB.CallContractReplySchema, create(EVM_PB.CallContractReplySchema, { data: hexToBytes(data) })),
      )
    }
    if (method === 'WriteReport') {
      const request = anyUnpack(payload, EVM_PB.WriteReportRequestSchema) as EVM_PB.WriteReportRequest
      return ok(anyPack(EVM_PB.WriteReportReplySchema, this.writeReport(request)))
    }
    return { case: 'error', value: `evm: method ${method} is not served by the local host` }
  }

  private writeReport(request: EVM_PB.WriteReportRequest): EVM_PB.WriteReportReply {
    const o = this.options
    const report = request.report
    if (!report) throw new Error('WriteReport without report')
    const data = encodeFunctionData({
      abi: localForwarderAbi,
      functionName: 'report',
      args: [
        bytesToHex(request.receiver),
        bytesToHex(report.rawReport),
        bytesToHex(report.reportContext),
        report.sigs.map((s) => bytesToHex(s.signature)),
      ],
    })
    const gas = request.gasConfig?.gasLimit ?? 500_000n
    const txHash = rpc<Hex>(o.rpcUrl, 'eth_sendTransaction', [
      { from: o.transmitter, to: o.forwarderAddress, data, gas: numberToHex(gas) },
    ])
    let receipt: { status: Hex; gasUsed: Hex; effectiveGasPrice: Hex; logs: { topics: Hex[]; data: Hex }[] } | null =
      null
    for (let attempt = 0; attempt < 100 && !receipt; attempt++) {
      receipt = rpc(o.rpcUrl, 'eth_getTransactionReceipt', [txHash])
      if (!receipt) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100)
    }
    if (!receipt) {
      return create(EVM_PB.WriteReportReplySchema, {
        txStatus: EVM_PB.TxStatus.FATAL,
        txHash: hexToBytes(txHash),
        errorMessage: 'no receipt within 10 s',
      })
    }
    const processed = receipt.logs
      .map((l) => {
        try {
          return decodeEventLog({ abi: localForwarderAbi, topics: l.topics as [Hex, ...Hex[]], data: l.data })
        } catch {
          return undefined
        }
      })
      .find((e) => e?.eventName === 'ReportProcessed')
    const delivered = processed?.eventName === 'ReportProcessed' && processed.args.result
    o.log(`local host: forwarder tx ${txHash} gasUsed ${BigInt(receipt.gasUsed)} delivered ${delivered}`)
    return create(EVM_PB.WriteReportReplySchema, {
      txStatus: receipt.status === '0x1' ? EVM_PB.TxStatus.SUCCESS : EVM_PB.TxStatus.REVERTED,
      receiverContractExecutionStatus: delivered
        ? EVM_PB.ReceiverContractExecutionStatus.SUCCESS
        : EVM_PB.ReceiverContractExecutionStatus.REVERTED,
      txHash: hexToBytes(txHash),
      transactionFee: {
        absVal: hexToBytes(pad(numberToHex(BigInt(receipt.gasUsed) * BigInt(receipt.effectiveGasPrice)))),
        sign: 1n,
      },
    })
  }
}
