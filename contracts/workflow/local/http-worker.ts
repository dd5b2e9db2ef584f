/**
 * Worker half of syncHttp (sync-http.ts): performs one fetch per message and writes the outcome into the
 * caller's SharedArrayBuffer, then wakes the caller blocked in Atomics.wait.
 * Layout: Int32[0] state (0 pending, 1 done, 2 failed), Int32[1] HTTP status, Int32[2] body length,
 * bytes from offset 16: body (or the error message when failed).
 */
declare const self: Worker

interface Job {
  url: string
  method: string
  headers: Record<string, string>
  body?: string
  buffer: SharedArrayBuffer
  timeoutMs: number
}

self.onmessage = async (event: MessageEvent<Job>) => {
  const job = event.data
  const control = new Int32Array(job.buffer, 0, 4)
  const data = new Uint8Array(job.buffer, 16)
  let state = 1
  let payload: Uint8Array
  try {
    const response = await fetch(job.url, {
      method: job.method,
      headers: job.headers,
      body: job.body,
      signal: AbortSignal.timeout(job.timeoutMs),
    })
    payload = new Uint8Array(await response.arrayBuffer())
    Atomics.store(control, 1, response.status)
  } catch (e) {
    state = 2
    payload = new TextEncoder().encode(e instanceof Error ? e.message : String(e))
  }
  if (payload.length > data.length) {
    state = 2
    payload = new TextEncoder().encode(`response larger than ${data.length} bytes`)
  }
  data.set(payload)
  Atomics.store(control, 2, payload.length)
  Atomics.store(control, 0, state)
  Atomics.notify(control, 0)
}
