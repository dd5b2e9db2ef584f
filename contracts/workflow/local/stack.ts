/**
 * Local chain plumbing shared by the local stack command (local/up.ts) and the end-to-end test: start anvil
 * (osaka, chain id 43113), deploy with script/Deploy.s.sol, register installations with
 * script/RegisterInstallations.s.sol, and run the local runner. All tools come from contracts/node_modules.
 */
import type { Subprocess } from 'bun'
import type { Hex } from 'viem'

export const CONTRACTS_DIR = `${import.meta.dir}/../..`
const BIN = `${CONTRACTS_DIR}/node_modules/.bin`

/** anvil's first development account (public, well-known test key): deployer, owner and transmitter. */
export const ANVIL_DEPLOYER_KEY: Hex = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'
export const ANVIL_DEPLOYER: Hex = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'
/** Keys of the four local DON signers (f = 1): local development only. */
export const LOCAL_DON_SIGNER_KEYS: Hex[] = ['11', '22', '33', '44'].map((b) => `0x${b.repeat(32)}` as Hex)
export const LOCAL_WORKFLOW_NAME = 'wattwitness-anchor'

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): number {
  const server = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } })
  const port = server.port
  server.stop(true)
  return port
}

/** Starts anvil and waits until its JSON-RPC answers. */
export async function startAnvil(port: number): Promise<Subprocess> {
  const anvil = Bun.spawn(
    [`${BIN}/anvil`, '--hardfork', 'osaka', '--chain-id', '43113', '--port', String(port), '--silent'],
    { stdout: 'ignore', stderr: 'pipe' },
  )
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; i < 150; i++) {
    try {
      const r = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      })
      if (r.ok) return anvil
    } catch {
      // not listening yet
    }
    await Bun.sleep(100)
  }
  anvil.kill()
  throw new Error(`anvil did not answer on ${url}`)
}

/** Runs forge with the given arguments in contracts/; throws with its output on a non-zero exit. */
export async function forge(args: string[], env: Record<string, string>): Promise<string> {
  const proc = Bun.spawn([`${BIN}/forge`, ...args], {
    cwd: CONTRACTS_DIR,
    env: { ...process.env, ...env },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ])
  if (code !== 0) throw new Error(`forge ${args.join(' ')} exited ${code}\n${out}\n${err}`)
  return out
}

export interface Deployment {
  chainId: number
  anchor: Hex
  forwarder: Hex
  localForwarder: boolean
}

/** Deploys LocalForwarder + WattWitnessAnchor; returns the deployment written to deploymentFile. */
export async function deployLocal(rpcUrl: string, deploymentFile: string): Promise<Deployment> {
  await forge(['script', 'script/Deploy.s.sol:Deploy', '--rpc-url', rpcUrl, '--broadcast'], {
    DEPLOYER_PRIVATE_KEY: ANVIL_DEPLOYER_KEY,
    WORKFLOW_OWNER: ANVIL_DEPLOYER,
    WORKFLOW_NAME: LOCAL_WORKFLOW_NAME,
    LOCAL_DON_SIGNER_KEYS: LOCAL_DON_SIGNER_KEYS.join(','),
    DEPLOYMENT_FILE: deploymentFile,
  })
  return (await Bun.file(`${CONTRACTS_DIR}/${deploymentFile}`).json()) as Deployment
}

/** Fetches GET {apiBaseUrl}/api/v1/installations/ and registers (or rotates) each installation's key. */
export async function registerFromApi(rpcUrl: string, anchor: Hex, apiBaseUrl: string, file: string): Promise<string> {
  const response = await fetch(`${apiBaseUrl}/api/v1/installations/`)
  if (!response.ok) throw new Error(`GET ${apiBaseUrl}/api/v1/installations/ answered ${response.status}`)
  await Bun.write(`${CONTRACTS_DIR}/${file}`, await response.text())
  return forge(['script', 'script/RegisterInstallations.s.sol:RegisterInstallations', '--rpc-url', rpcUrl, '--broadcast'], {
    DEPLOYER_PRIVATE_KEY: ANVIL_DEPLOYER_KEY,
    ANCHOR_ADDRESS: anchor,
    INSTALLATIONS_FILE: file,
  })
}

/** Environment for workflow/local-runner.ts against this local chain. */
export function runnerEnv(rpcUrl: string, deploymentFile: string, apiBaseUrl: string): Record<string, string> {
  return {
    RPC_URL: rpcUrl,
    DEPLOYMENT_FILE: `${CONTRACTS_DIR}/${deploymentFile}`,
    API_BASE_URL: apiBaseUrl,
    TRANSMITTER: ANVIL_DEPLOYER,
    LOCAL_DON_SIGNER_KEYS: LOCAL_DON_SIGNER_KEYS.join(','),
    WORKFLOW_OWNER: ANVIL_DEPLOYER,
    WORKFLOW_NAME: LOCAL_WORKFLOW_NAME,
  }
}
