/**
 * Local runner: executes the CRE workflow (src/workflow.ts) on its cron schedule against real services: HTTP to
 * query-service and JSON-RPC to a local chain (anvil), writing reports through the LocalForwarder.
 *
 *   bun workflow/local-runner.ts [--once]
 *
 * Environment (see contracts/README.md, "Running"):
 *   RUNNER_CONFIG           workflow config JSON (default workflow/config.local.json)
 *   API_BASE_URL            overrides config.apiBaseUrl
 *   DEPLOYMENT_FILE         deployments/<chainId>.json written by script/Deploy.s.sol (anchor and forwarder)
 *   RPC_URL                 chain JSON-RPC (default http://127.0.0.1:8545)
 *   TRANSMITTER             unlocked account sending forwarder transactions (default: the node's first account)
 *   LOCAL_DON_SIGNER_KEYS   comma-separated secp256k1 keys of the LocalForwarder's DON signers
 *   WORKFLOW_OWNER, WORKFLOW_NAME   identity written into report metadata (must match the anchor's)
 *   WORKFLOW_ID             bytes32 (default keccak256 of the name)
 *   LOCAL_DON_ID            DON id (default 1, config version 1)
 * --once runs one execution, prints its outcome line and exits 0 (1 if the execution threw).
 */
import { getNetwork } from '@chainlink/cre-sdk'
import { type Hex, keccak256, toHex } from 'viem'
import { CronSchedule } from './local/cron'
import { LocalHost, rpc } from './local/host'
import { closeSyncHttp } from './local/sync-http'
import { type Config, configSchema, onCron } from './src/workflow'

function env(name: string, fallback?: string): string {
  const value = process.env[name] ?? fallback
  if (value === undefined || value === '') throw new Error(`environment variable ${name} is required`)
  return value
}

function log(line: string): void {
  console.log(`${new Date().toISOString()} ${line}`)
}

async function main(): Promise<number> {
  const once = process.argv.includes('--once')
  const configPath = env('RUNNER_CONFIG', `${import.meta.dir}/config.local.json`)
  const deployment = (await Bun.file(env('DEPLOYMENT_FILE')).json()) as { anchor: Hex; forwarder: Hex }
  const raw = (await Bun.file(configPath).json()) as Record<string, unknown>
  const config: Config = configSchema.parse({
    ...raw,
    anchorAddress: deployment.anchor,
    ...(process.env.API_BASE_URL ? { apiBaseUrl: process.env.API_BASE_URL } : {}),
  })
  const network = getNetwork({ chainFamily: 'evm', chainSelectorName: config.chainSelectorName })
  if (!network) throw new Error(`unknown chain selector name ${config.chainSelectorName}`)
  const rpcUrl = env('RPC_URL', 'http://127.0.0.1:8545')
  const transmitter = (process.env.TRANSMITTER || rpc<Hex[]>(rpcUrl, 'eth_accounts', [])[0]) as Hex
  const workflowName = env('WORKFLOW_NAME')
  const host = new LocalHost({
    rpcUrl,
    chainSelector: network.chainSelector.selector,
    forwarderAddress: deployment.forwarder,
    transmitter,
    donSignerKeys: env('LOCAL_DON_SIGNER_KEYS').split(',') as Hex[],
    donId: Number(env('LOCAL_DON_ID', '1')),
    donConfigVersion: 1,
    workflowOwner: env('WORKFLOW_OWNER') as Hex,
    workflowName,
    workflowId: (process.env.WORKFLOW_ID || keccak256(toHex(workflowName))) as Hex,
    log,
  })

  const execute = (): boolean => {
    try {
      const outcome = onCron(host.newRuntime(config))
      console.log(`outcome: ${outcome}`)
      return true
    } catch (e) {
      log(`execution failed: ${e instanceof Error ? e.message : String(e)}`)
      return false
    }
  }

  if (once) {
    const success = execute()
    closeSyncHttp()
    return success ? 0 : 1
  }
  const schedule = new CronSchedule(config.schedule)
  log(`local runner: anchor ${deployment.anchor}, API ${config.apiBaseUrl}, schedule "${schedule.expression}"`)
  for (;;) {
    const next = schedule.next(new Date())
    await Bun.sleep(Math.max(0, next.getTime() - Date.now()))
    execute()
  }
}

process.exit(await main())
