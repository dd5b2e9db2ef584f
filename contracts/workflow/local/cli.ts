/**
 * Step-by-step entry points of the local anchoring stack, for orchestrators that manage anvil and the runner as
 * their own processes (deploy/local's LocalStack):
 *
 *   bun workflow/local/cli.ts deploy   <rpcUrl> <deploymentFile>            deploys LocalForwarder + WattWitnessAnchor
 *   bun workflow/local/cli.ts register <rpcUrl> <deploymentFile> <apiBase>  registers the API's installations on chain
 *   bun workflow/local/cli.ts env      <rpcUrl> <deploymentFile> <apiBase>  prints the runner's environment as JSON
 *
 * deploymentFile is relative to contracts/. Exits 1 with the reason on stderr when a step fails.
 */
import type { Hex } from 'viem'
import { CONTRACTS_DIR, deployLocal, registerFromApi, runnerEnv } from './stack'

const [command, rpcUrl, deploymentFile, apiBaseUrl] = process.argv.slice(2)

async function main(): Promise<void> {
  if (!command || !rpcUrl || !deploymentFile) {
    throw new Error('usage: cli.ts deploy|register|env <rpcUrl> <deploymentFile> [apiBaseUrl]')
  }
  switch (command) {
    case 'deploy': {
      const deployment = await deployLocal(rpcUrl, deploymentFile)
      console.log(JSON.stringify(deployment))
      return
    }
    case 'register': {
      if (!apiBaseUrl) throw new Error('register needs the API base URL')
      const deployment = (await Bun.file(`${CONTRACTS_DIR}/${deploymentFile}`).json()) as { anchor: Hex }
      const output = await registerFromApi(rpcUrl, deployment.anchor, apiBaseUrl, 'deployments/local-installations.json')
      console.log(output)
      return
    }
    case 'env': {
      if (!apiBaseUrl) throw new Error('env needs the API base URL')
      console.log(JSON.stringify(runnerEnv(rpcUrl, deploymentFile, apiBaseUrl)))
      return
    }
    default:
      throw new Error(`unknown command ${command}`)
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e))
  process.exit(1)
})
