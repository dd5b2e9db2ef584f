/** CRE entry point: compiled to WASM by `cre workflow deploy` / `cre-compile` (see workflow/README.md). */
import { Runner } from '@chainlink/cre-sdk'
import type { z } from 'zod'
import { type Config, configSchema, initWorkflow } from './workflow'

export async function main() {
  const runner = await Runner.newRunner<Config, z.input<typeof configSchema>>({ configSchema })
  await runner.run(initWorkflow)
}

main()
