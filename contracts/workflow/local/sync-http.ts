/**
 * Blocking HTTP for the local runner. CRE capabilities are synchronous to the workflow (`.result()` blocks on the
 * host), so the local host answers capability calls synchronously: a worker thread performs the real fetch while
 * this thread waits on a SharedArrayBuffer (Atomics.wait).
 */
const MAX_BODY = 16 * 1024 * 1024

export interface SyncResponse {
  status: number
  body: Uint8Array
}

let worker: Worker | undefined

function getWorker(): Worker {
  if (!worker) {
    worker = new Worker(new URL('./http-worker.ts', import.meta.url).href)
    worker.unref()
  }
  return worker
}

/**
 * Performs one HTTP request and blocks until it completes.
 * @throws Error with the fetch failure (connection refused, timeout, oversize body).
 */
export function syncHttp(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {},
): SyncResponse {
  const buffer = new SharedArrayBuffer(16 + MAX_BODY)
  const control = new Int32Array(buffer, 0, 4)
  const timeoutMs = init.timeoutMs ?? 30_000
  getWorker().postMessage({
    url,
    method: init.method ?? 'GET',
    headers: init.headers ?? {},
    body: init.body,
    buffer,
    timeoutMs,
  })
  const waited = Atomics.wait(control, 0, 0, timeoutMs + 5_000)
  if (waited === 'timed-out') throw new Error(`HTTP ${url}: no answer within ${timeoutMs} ms`)
  const length = Atomics.load(control, 2)
  const body = new Uint8Array(buffer, 16, length).slice()
  if (Atomics.load(control, 0) === 2) throw new Error(`HTTP ${url}: ${new TextDecoder().decode(body)}`)
  return { status: Atomics.load(control, 1), body }
}

/** Stops the worker thread (lets the process exit at once). */
export function closeSyncHttp(): void {
  worker?.terminate()
  worker = undefined
}
