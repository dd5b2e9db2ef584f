/**
 * "Verify in your browser": fetches the reading's Merkle proof and the chain info, then checks the P-256
 * signature (WebCrypto), the leaf and Merkle proof (keccak256, locally) and the contract's verifyReading
 * (eth_call to the JSON-RPC URL, which the visitor may replace), showing each step. A tamper switch flips one
 * bit of the message to show every check failing.
 */
import { useQuery } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { api, type Installation } from "../lib/api";
import { STEP_TITLES, verifyAnchoredReading, TAMPER_OFFSET, type StepId, type VerifyStep } from "../lib/verify";
import { safeStorageGet, safeStorageSet } from "../hooks";
import { ErrorBox, errorText } from "./common";

interface Props {
  readingId: number;
  batchId: number;
  installation: Installation | undefined;
  onClose: () => void;
}

const ICON = { pending: "○", running: "…", pass: "✓", fail: "✗", skipped: "–" } as const;

const initialSteps = (): VerifyStep[] =>
  (Object.keys(STEP_TITLES) as StepId[]).map((id) => ({ id, title: STEP_TITLES[id], state: "pending", detail: "" }));

export function VerifyDialog({ readingId, batchId, installation, onClose }: Props) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const proofQ = useQuery({ queryKey: ["proof", batchId, readingId], queryFn: ({ signal }) => api.proof(batchId, readingId, signal), staleTime: Infinity, retry: 1 });
  const chainQ = useQuery({ queryKey: ["chain"], queryFn: ({ signal }) => api.chain(signal), staleTime: Infinity, retry: 1 });
  const [rpcOverride, setRpcOverride] = useState<string>(() => safeStorageGet("ww.rpcUrl") ?? "");
  const [tamper, setTamper] = useState(false);
  const [steps, setSteps] = useState<VerifyStep[]>(initialSteps);
  const [running, setRunning] = useState(false);
  const [runError, setRunError] = useState<string | null>(null);
  const runId = useRef(0);

  // open as a modal (focus trap, Esc closes); unmounting removes the element, so no close() in a cleanup
  // (React's dev double-run of effects would otherwise fire "close" and dismiss the dialog at once)
  useEffect(() => {
    const d = dialogRef.current;
    if (d && !d.open) d.showModal();
  }, []);

  const rpcUrl = rpcOverride.trim() || chainQ.data?.rpc_url || "";

  const run = useCallback(async () => {
    if (!proofQ.data) return;
    const id = ++runId.current;
    setRunning(true);
    setRunError(null);
    setSteps(initialSteps());
    try {
      const final = await verifyAnchoredReading(proofQ.data, {
        tamper,
        chain: rpcUrl && chainQ.data?.contract_address ? { rpcUrl, contractAddress: chainQ.data.contract_address } : null,
        registeredKeys: installation?.keys?.length ? installation.keys.map((k) => k.public_key) : installation ? [installation.public_key] : undefined,
        onProgress: (s) => {
          if (runId.current === id) setSteps(s);
        },
      });
      if (runId.current === id) setSteps(final);
    } catch (e) {
      if (runId.current === id) setRunError(errorText(e));
    } finally {
      if (runId.current === id) setRunning(false);
    }
  }, [proofQ.data, chainQ.data, rpcUrl, tamper, installation]);

  // run automatically once the proof and chain info are there, and again when the tamper switch changes
  const chainSettled = chainQ.isSuccess || chainQ.isError;
  useEffect(() => {
    if (proofQ.data && chainSettled) void run();
    // rpcUrl edits run on "Run again", not on every keystroke
  }, [proofQ.data, chainSettled, tamper]);

  const done = !running && steps.every((s) => s.state !== "pending" && s.state !== "running");
  const failed = steps.filter((s) => s.state === "fail");
  const verdict = running || !done ? "running" : failed.length === 0 && steps.every((s) => s.state === "pass") ? "pass" : "fail";

  return (
    <dialog ref={dialogRef} className="verify" aria-labelledby="verify-title" onClose={onClose} onCancel={onClose} data-testid="verify-dialog">
      <div className="verify-head">
        <h2 id="verify-title">Verify reading {readingId} in your browser</h2>
        <button type="button" className="btn btn-icon" onClick={onClose} aria-label="Close">
          ✕
        </button>
      </div>
      <div className="verify-body">
        <p className="muted" style={{ margin: 0, fontSize: "0.88rem" }}>
          Nothing here trusts our server: the signature is checked with your browser's WebCrypto against the device key, the Merkle proof is recomputed
          with keccak256, and the contract on chain is asked directly whether batch {batchId} holds this reading.
        </p>
        {proofQ.error ? <ErrorBox error={proofQ.error} what="the Merkle proof" onRetry={() => void proofQ.refetch()} /> : null}
        {chainQ.error ? <ErrorBox error={chainQ.error} what="the chain info (the on-chain step needs an RPC URL and contract)" /> : null}

        <div className="verify-controls">
          <label className="field">
            JSON-RPC URL {chainQ.data ? `(chain ${chainQ.data.chain_id})` : ""}
            <input
              type="url"
              value={rpcOverride}
              placeholder={chainQ.data?.rpc_url ?? "http://127.0.0.1:8545"}
              onChange={(e) => {
                setRpcOverride(e.target.value);
                safeStorageSet("ww.rpcUrl", e.target.value.trim() || null);
              }}
              data-testid="rpc-url"
            />
          </label>
          <label className="toggle">
            <input type="checkbox" checked={tamper} onChange={(e) => setTamper(e.target.checked)} data-testid="tamper" />
            Tamper (flip a bit of byte {TAMPER_OFFSET}: power)
          </label>
          <button type="button" className="btn btn-primary" onClick={() => void run()} disabled={!proofQ.data || running} data-testid="verify-run">
            {running ? "Checking…" : "Run again"}
          </button>
        </div>
        {chainQ.data && (
          <div className="muted" style={{ fontSize: "0.8rem" }}>
            Contract <span className="mono">{chainQ.data.contract_address}</span>
          </div>
        )}

        <div className={`verdict ${verdict === "pass" ? "ok" : verdict === "fail" ? "bad" : "running"}`} data-testid="verdict" data-verdict={verdict} role="status" aria-live="polite">
          {verdict === "running"
            ? proofQ.isLoading
              ? "Fetching the proof…"
              : "Checking…"
            : verdict === "pass"
              ? "Proven: signed by the device's secure element and anchored on chain."
              : failed.length
                ? `Not proven${tamper ? " (message tampered with on purpose)" : ""}. Failed: ${failed.map((s) => s.title).join(" · ")}.`
                : "Not proven: some checks could not run."}
        </div>
        {runError && <div className="error-box" role="alert">{runError}</div>}

        <ol className="steps" data-testid="verify-steps">
          {steps.map((s) => (
            <li key={s.id} data-step={s.id} data-state={s.state}>
              <span className="icon" aria-hidden="true">
                {ICON[s.state]}
              </span>
              <span className="title">
                {s.title} <span className="sr-only">: {s.state}</span>
              </span>
              <span className="detail">{s.detail || (s.state === "pending" ? "waiting" : "")}</span>
            </li>
          ))}
        </ol>
      </div>
    </dialog>
  );
}
