/**
 * The dashboard page: header (installation picker, time zone, theme), live power, energy, status, chart,
 * latest records, installation info, and the in-browser verification dialog. View state lives in the URL hash.
 */
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useEffect, useMemo } from "react";
import { EnergyChart } from "./components/EnergyChart";
import { EnergyToday } from "./components/EnergyToday";
import { InfoPanel } from "./components/InfoPanel";
import { LivePower } from "./components/LivePower";
import { RecordsTable } from "./components/RecordsTable";
import { StatusPanel } from "./components/StatusPanel";
import { ErrorBox, Loading } from "./components/common";
import { useLiveStream, useNow, useRoute, useTheme } from "./hooks";
import { api, ApiError } from "./lib/api";
import { allTimeZones, browserTimeZone, isValidTimeZone, timeZoneLabel } from "./lib/time";

// the verification code (WebCrypto, keccak, ABI) loads only when a visitor opens a proof
const VerifyDialog = lazy(() => import("./components/VerifyDialog").then((m) => ({ default: m.VerifyDialog })));

function BrandMark() {
  return (
    <svg className="brand-mark" viewBox="0 0 32 32" aria-hidden="true">
      <circle cx="16" cy="16" r="14" fill="var(--accent)" />
      <path d="M17 5 9 18h6l-2 9 9-14h-6z" fill="#fff" />
    </svg>
  );
}

export function App() {
  const [route, setRoute] = useRoute();
  const [theme, cycleTheme] = useTheme();
  const now = useNow(1000);
  const qc = useQueryClient();

  const installationsQ = useQuery({ queryKey: ["installations"], queryFn: ({ signal }) => api.installations(signal) });
  const installations = useMemo(() => installationsQ.data ?? [], [installationsQ.data]);
  const installation = installations.find((i) => i.id === route.installation) ?? installations[0];
  const id = installation?.id ?? null;

  // keep the chosen installation in the URL
  useEffect(() => {
    if (installation && route.installation !== installation.id) setRoute({ installation: installation.id });
  }, [installation, route.installation, setRoute]);

  const installationTz = installation && isValidTimeZone(installation.timezone) ? installation.timezone : "UTC";
  const tz = route.tz && isValidTimeZone(route.tz) ? route.tz : installationTz;
  const zones = useMemo(() => allTimeZones(), []);
  const browserTz = browserTimeZone();

  const enabled = id != null;
  const summaryQ = useQuery({ queryKey: ["summary", id], queryFn: ({ signal }) => api.summary(id!, signal), enabled });
  const statusQ = useQuery({ queryKey: ["status", id], queryFn: ({ signal }) => api.status(id!, signal), enabled });
  const healthQ = useQuery({ queryKey: ["health"], queryFn: ({ signal }) => api.health(signal), refetchInterval: 30_000 });
  const chainQ = useQuery({ queryKey: ["chain"], queryFn: ({ signal }) => api.chain(signal), staleTime: Infinity, retry: 1 });
  const latestQ = useQuery({
    queryKey: ["latest", id],
    queryFn: async ({ signal }) => {
      try {
        return await api.latest(id!, signal);
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null; // no reading yet
        throw e;
      }
    },
    enabled,
  });
  const chartQ = useQuery({
    queryKey: ["chart", id, route.frame, tz],
    queryFn: ({ signal }) => api.chart(id!, route.frame, tz, signal),
    enabled,
    placeholderData: (prev, prevQuery) => (prevQuery?.queryKey[1] === id && prevQuery?.queryKey[2] === route.frame ? prev : undefined),
  });
  const readingsQ = useQuery({
    queryKey: ["readings", id, "latest"],
    queryFn: ({ signal }) => api.readings(id!, { limit: 10 }, signal),
    enabled,
    placeholderData: keepPreviousData,
  });
  const quarantineQ = useQuery({ queryKey: ["quarantine", id], queryFn: ({ signal }) => api.quarantine(id!, signal), enabled });

  const live = useLiveStream(id);

  useEffect(() => {
    document.title = installation ? `${installation.name} · WattWitness` : "WattWitness dashboard";
  }, [installation]);

  const retryAll = () => void qc.invalidateQueries();

  return (
    <>
      <a className="skip-link" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById("main")?.focus(); }}>
        Skip to content
      </a>
      <header className="topbar">
        <div className="topbar-inner">
          <div className="brand">
            <BrandMark />
            <span>WattWitness</span>
            <small>signed · anchored · checkable</small>
          </div>
          <label className="field">
            Installation
            <select
              value={installation?.id ?? ""}
              onChange={(e) => setRoute({ installation: Number(e.target.value), verify: null })}
              disabled={!installations.length}
              data-testid="installation-picker"
            >
              {installations.length === 0 && <option value="">{installationsQ.isLoading ? "Loading…" : "None"}</option>}
              {installations.map((i) => (
                <option key={i.id} value={i.id}>
                  {i.name}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            Time zone
            <select value={route.tz && isValidTimeZone(route.tz) ? route.tz : ""} onChange={(e) => setRoute({ tz: e.target.value || null })} data-testid="tz-picker">
              <option value="">Installation ({installationTz})</option>
              {browserTz !== installationTz && <option value={browserTz}>Your browser ({browserTz})</option>}
              {zones
                .filter((z) => z !== browserTz || browserTz === installationTz)
                .map((z) => (
                  <option key={z} value={z}>
                    {z}
                  </option>
                ))}
            </select>
          </label>
          <button type="button" className="btn btn-icon" onClick={cycleTheme} aria-label={`Theme: ${theme}. Switch theme`} title={`Theme: ${theme}`}>
            {theme === "dark" ? "☾" : theme === "light" ? "☀" : "◐"}
          </button>
        </div>
      </header>

      <main id="main" tabIndex={-1}>
        {installationsQ.error ? (
          <div className="span-12">
            <ErrorBox error={installationsQ.error} what="installations" onRetry={() => void installationsQ.refetch()} />
          </div>
        ) : installationsQ.isLoading ? (
          <section className="card span-12">
            <Loading label="installations" lines={3} />
          </section>
        ) : installations.length === 0 ? (
          <section className="card span-12">
            <h2>No installations yet</h2>
            <p className="muted">Register one through POST /api/v1/installations/ (operator role); it appears here with its first reading.</p>
          </section>
        ) : (
          <>
            <LivePower
              recent={readingsQ.data?.readings}
              installation={installation}
              summary={summaryQ.data}
              latest={latestQ.data}
              live={live}
              now={now}
              tz={tz}
              loading={summaryQ.isLoading || latestQ.isLoading}
              error={summaryQ.error ?? latestQ.error}
              onRetry={retryAll}
            />
            <EnergyToday summary={summaryQ.data} capacityW={installation?.capacity_w} loading={summaryQ.isLoading} error={summaryQ.error} onRetry={() => void summaryQ.refetch()} />
            <StatusPanel
              status={statusQ.data}
              statusError={statusQ.error}
              health={healthQ.data}
              healthError={healthQ.error}
              chain={chainQ.data}
              now={now}
              tz={tz}
              onRetry={() => void statusQ.refetch()}
              onVerify={(readingId, batchId) => setRoute({ verify: { readingId, batchId } })}
              installationId={id!}
            />
            <EnergyChart
              installationId={id!}
              frame={route.frame}
              onFrame={(f) => setRoute({ frame: f })}
              tz={tz}
              chart={chartQ.data}
              loading={chartQ.isLoading}
              fetching={chartQ.isFetching}
              error={chartQ.error}
              onRetry={() => void chartQ.refetch()}
              theme={theme}
            />
            <RecordsTable
              installationId={id!}
              readings={readingsQ.data?.readings}
              readingsError={readingsQ.error}
              quarantine={quarantineQ.data?.items}
              quarantineError={quarantineQ.error}
              chain={chainQ.data}
              tz={tz}
              onVerify={(r) => setRoute({ verify: { readingId: r.id, batchId: r.batch_id! } })}
              onRetry={() => {
                void readingsQ.refetch();
                void quarantineQ.refetch();
              }}
            />
            <InfoPanel installation={installation} summary={summaryQ.data} now={now} tz={tz} />
          </>
        )}
      </main>
      <footer>
        Times shown in {timeZoneLabel(tz, now / 1000)}. Readings are signed by each meter's secure element (ECDSA P-256) and anchored on chain in Merkle
        batches; use “Verify” on an anchored reading to check it without trusting this server.
      </footer>
      {route.verify && (
        <Suspense fallback={<div className="sr-only" role="status">Loading the verifier…</div>}>
        <VerifyDialog
          key={`${route.verify.batchId}:${route.verify.readingId}`}
          readingId={route.verify.readingId}
          batchId={route.verify.batchId}
          installation={installation}
          onClose={() => setRoute({ verify: null })}
        />
        </Suspense>
      )}
    </>
  );
}
