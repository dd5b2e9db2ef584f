/**
 * The local anchoring stack in one command (scripts/local-up.sh): starts anvil (osaka, chain id 43113), deploys
 * LocalForwarder + WattWitnessAnchor, registers the installations listed by the API, then runs the workflow on its
 * cron through the local runner until interrupted (Ctrl-C stops the runner and anvil).
 *
 * Environment: API_BASE_URL (default http://127.0.0.1:8080), ANVIL_PORT (default 8545),
 * DEPLOYMENT_FILE (default deployments/local.json, relative to contracts/), RUNNER_CONFIG (default
 * workflow/config.local.json: every 30 s).
 */
import { deployLocal, registerFromApi, runnerEnv, startAnvil } from './stack'

const apiBaseUrl = process.env.API_BASE_URL ?? 'http://127.0.0.1:8080'
const port = Number(process.env.ANVIL_PORT ?? '8545')
const deploymentFile = process.env.DEPLOYMENT_FILE ?? 'deployments/local.json'
const rpcUrl = `http://127.0.0.1:${port}`

const anvil = await startAnvil(port)
console.log(`anvil: ${rpcUrl} (chain id 43113, osaka)`)
let runner: ReturnType<typeof Bun.spawn> | undefined
const stop = () => {
  runner?.kill()
  anvil.kill()
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)

try {
  const deployment = await deployLocal(rpcUrl, deploymentFile)
  console.log(`WattWitnessAnchor ${deployment.anchor}, LocalForwarder ${deployment.forwarder} -> ${deploymentFile}`)
  const registered = await registerFromApi(rpcUrl, deployment.anchor, apiBaseUrl, 'deployments/local-installations.json')
  console.log(
    registered
      .split('\n')
      .filter((l) => /installation/.test(l))
      .join('\n'),
  )
} catch (e) {
  console.error(e instanceof Error ? e.message : e)
  anvil.kill()
  process.exit(1)
}

runner = Bun.spawn([process.execPath, `${import.meta.dir}/../local-runner.ts`], {
  env: { ...process.env, ...runnerEnv(rpcUrl, deploymentFile, apiBaseUrl) },
  stdout: 'inherit',
  stderr: 'inherit',
})
const code = await runner.exited
anvil.kill()
process.exit(code)
