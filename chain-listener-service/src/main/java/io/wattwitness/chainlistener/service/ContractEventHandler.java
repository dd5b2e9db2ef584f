package io.wattwitness.chainlistener.service;

import io.quarkus.logging.Log;
import io.wattwitness.chainlistener.client.MarkOnChainRequest;
import io.wattwitness.chainlistener.client.MarkOnChainResult;
import io.wattwitness.chainlistener.client.QueryServiceClient;
import io.wattwitness.chainlistener.client.SealedBatch;
import io.wattwitness.chainlistener.config.ListenerConfig;
import io.wattwitness.chainlistener.repository.BatchRecordEntity;
import io.wattwitness.chainlistener.repository.KeyEventKind;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import java.util.Locale;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Acts on the anchoring contract's events (blocking, on the listener thread).
 *
 * <p>BatchAnchored: fetches the sealed batch from query-service and compares its {@code merkle_root} with the
 * anchored root. Equal: marks the batch's readings on chain through mark-on-chain with the anchoring token. Different
 * (or query-service answers 409): tamper alarm, never a mark: ERROR log with both roots, a ROOT_MISMATCH record,
 * {@code chain_listener_root_mismatches_total} and readiness DOWN. An event already handled at the same position is
 * skipped, so replays after a restart do not call query-service again. query-service unreachable, batch not (yet)
 * sealed (404) or any other error: {@link TransientFailure}, retried with back-off; a database failure propagates
 * as it is and is retried the same way.
 *
 * <p>InstallationRegistered / DeviceKeyRotated: recorded once per log position and logged.
 */
@ApplicationScoped
public class ContractEventHandler implements AnchorEventHandler {

    private final QueryServiceClient queryService;
    private final ChainRecordService records;
    private final ListenerState state;
    private final String authorization;

    public ContractEventHandler(@RestClient QueryServiceClient queryService, ChainRecordService records,
            ListenerState state, ListenerConfig config) {
        this.queryService = queryService;
        this.records = records;
        this.state = state;
        this.authorization = config.anchoringToken().map(token -> "Bearer " + token).orElse(null);
    }

    @Override
    public void handle(String scope, AnchorEvent event) {
        if (event instanceof BatchAnchoredEvent batch) {
            handleBatch(scope, batch);
        } else if (event instanceof InstallationKeyEvent key) {
            handleKey(scope, key);
        }
    }

    private void handleBatch(String scope, BatchAnchoredEvent event) {
        EventPosition position = event.position();
        BatchRecordEntity existing = records.batch(scope, event.batchId());
        if (existing != null && existing.txHash.equals(position.txHash())
                && existing.blockHash.equals(position.blockHash()) && existing.logIndex == position.logIndex()) {
            Log.debugf("Batch %d at %s already handled (%s)", event.batchId(), position.txHash(), existing.status);
            return;
        }
        SealedBatch sealed = fetchSealed(event.batchId());
        String sealedRoot = normalise(sealed.merkleRoot());
        if (!event.merkleRoot().equals(sealedRoot)) {
            alarm(scope, event, sealedRoot, "sealed batch");
            return;
        }
        MarkOnChainResult result = mark(scope, event, sealedRoot);
        if (result == null) {
            return;
        }
        records.recordBatch(scope, event, sealedRoot, BatchRecordEntity.Status.MARKED,
                Math.toIntExact(result.marked()));
        state.batchMarked();
        Log.infof("Batch %d anchored in tx %s (block %d) with root %s: %d readings marked on chain%s",
                event.batchId(), position.txHash(), position.blockNumber(), event.merkleRoot(), result.marked(),
                result.alreadyMarked() ? " (already marked before)" : "");
    }

    private SealedBatch fetchSealed(long batchId) {
        try {
            SealedBatch sealed = queryService.batch(batchId);
            if (sealed == null || sealed.merkleRoot() == null) {
                throw new TransientFailure("query-service returned batch " + batchId + " without merkle_root");
            }
            return sealed;
        } catch (WebApplicationException e) {
            int status = e.getResponse().getStatus();
            if (status == 404) {
                throw new TransientFailure("batch " + batchId + " is anchored on chain but query-service has no "
                        + "sealed batch with that id (404); retrying", e);
            }
            throw new TransientFailure("query-service GET /api/v1/batches/" + batchId + " answered " + status, e);
        } catch (ProcessingException e) {
            throw new TransientFailure("query-service unreachable: " + e.getMessage(), e);
        }
    }

    /** Marks the batch; null when query-service refused with 409 (root differs), which raised the alarm. */
    private MarkOnChainResult mark(String scope, BatchAnchoredEvent event, String sealedRoot) {
        if (authorization == null) {
            throw new TransientFailure("ANCHORING_TOKEN is not set: cannot mark batch " + event.batchId());
        }
        EventPosition position = event.position();
        MarkOnChainRequest request = new MarkOnChainRequest(event.batchId(), position.txHash(),
                position.blockNumber(), event.merkleRoot());
        try {
            return queryService.markOnChain(authorization, request);
        } catch (WebApplicationException e) {
            int status = e.getResponse().getStatus();
            if (status == 409) {
                alarm(scope, event, sealedRoot, "mark-on-chain answered 409 (root differs from the sealed batch)");
                return null;
            }
            if (status == 401 || status == 403) {
                throw new TransientFailure("query-service refused the anchoring token (" + status
                        + "): check ANCHORING_TOKEN", e);
            }
            throw new TransientFailure("query-service mark-on-chain for batch " + event.batchId() + " answered "
                    + status, e);
        } catch (ProcessingException e) {
            throw new TransientFailure("query-service unreachable: " + e.getMessage(), e);
        }
    }

    private void alarm(String scope, BatchAnchoredEvent event, String sealedRoot, String source) {
        EventPosition position = event.position();
        Log.errorf("TAMPER ALARM: batch %d anchored with root %s in tx %s (block %d), but the %s has root %s; "
                + "the batch is NOT marked on chain", event.batchId(), event.merkleRoot(), position.txHash(),
                position.blockNumber(), source, sealedRoot);
        records.recordBatch(scope, event, sealedRoot, BatchRecordEntity.Status.ROOT_MISMATCH, null);
        state.rootMismatch();
        state.openMismatches(records.openMismatches(scope));
    }

    private void handleKey(String scope, InstallationKeyEvent event) {
        boolean recorded = records.recordKeyEvent(scope, event);
        if (!recorded) {
            return;
        }
        state.keyEventRecorded();
        if (event.kind() == KeyEventKind.INSTALLATION_REGISTERED) {
            Log.infof("Installation %d registered on chain with device %s (meter %s) in tx %s",
                    event.installationId(), event.deviceId(), event.meterId(), event.position().txHash());
        } else {
            Log.infof("Installation %d rotated its device key %s -> %s (meter %s) in tx %s", event.installationId(),
                    event.previousDeviceId(), event.deviceId(), event.meterId(), event.position().txHash());
        }
    }

    private static String normalise(String root) {
        String hex = root.trim().toLowerCase(Locale.ROOT);
        return hex.startsWith("0x") ? hex : "0x" + hex;
    }
}
