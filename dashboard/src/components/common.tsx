/** Small shared pieces: loading skeletons, error boxes, badges, copyable hex, file download. */
import { useState, type ReactNode } from "react";
import { ApiError } from "../lib/api";
import { shortHex } from "../lib/format";

export function Skeleton({ height = 16, width = "100%" }: { height?: number; width?: number | string }) {
  return <div className="skeleton" style={{ height, width }} aria-hidden="true" />;
}

export function Loading({ lines = 3, label }: { lines?: number; label: string }) {
  return (
    <div role="status" aria-live="polite">
      <span className="sr-only">Loading {label}…</span>
      <div style={{ display: "grid", gap: 8 }}>
        {Array.from({ length: lines }, (_, i) => (
          <Skeleton key={i} width={`${90 - i * 15}%`} />
        ))}
      </div>
    </div>
  );
}

/** Human text for any error, with the API's problem title/detail when there is one. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 0) return `Cannot reach the server (${error.detail ?? "network error"}).`;
    return `${error.title}${error.detail ? `: ${error.detail}` : ""} (HTTP ${error.status})`;
  }
  return error instanceof Error ? error.message : String(error);
}

export function ErrorBox({ error, what, onRetry }: { error: unknown; what: string; onRetry?: () => void }) {
  return (
    <div className="error-box" role="alert">
      <span>
        Could not load {what}. {errorText(error)}
      </span>
      {onRetry && (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

export type Tone = "ok" | "warn" | "bad" | "info" | "neutral";

export function Badge({ tone, children, title }: { tone: Tone; children: ReactNode; title?: string }) {
  return (
    <span className={`badge ${tone === "neutral" ? "" : tone}`} title={title}>
      {children}
    </span>
  );
}

/** A shortened hex value whose full text can be copied (and is in the title). */
export function Hex({ value, keep = 6, label }: { value: string | null | undefined; keep?: number; label?: string }) {
  const [copied, setCopied] = useState(false);
  if (!value) return <span className="muted">—</span>;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
      window.setTimeout(() => setCopied(false), 1200);
    } catch {
      setCopied(false);
    }
  };
  return (
    <span className="mono" title={value}>
      {shortHex(value, keep)}{" "}
      <button type="button" className="btn btn-small" onClick={copy} aria-label={`Copy ${label ?? "value"}`} style={{ minHeight: 22, padding: "0 6px" }}>
        {copied ? "copied" : "copy"}
      </button>
    </span>
  );
}

/** Saves text as a file through a temporary link. */
export function downloadText(fileName: string, text: string, type = "text/csv;charset=utf-8"): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Link to a transaction on the chain's explorer when a template is known, else the hash alone. */
export function TxLink({ hash, template, compact }: { hash: string | null; template: string | null | undefined; compact?: boolean }) {
  if (!hash) return <span className="muted">—</span>;
  if (!template && compact) {
    return (
      <span className="mono" title={hash}>
        {shortHex(hash, 4)}
      </span>
    );
  }
  if (!template) return <Hex value={hash} label="transaction hash" />;
  const placeholder = /\{tx_hash\}|\{tx\}|\{hash\}|%s/;
  const href = placeholder.test(template) ? template.replace(placeholder, hash) : template + hash;
  return (
    <a className="mono" href={href} target="_blank" rel="noreferrer noopener" title={hash}>
      {shortHex(hash, compact ? 4 : 6)}
    </a>
  );
}
