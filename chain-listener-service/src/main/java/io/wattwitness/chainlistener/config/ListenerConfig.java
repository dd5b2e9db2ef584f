package io.wattwitness.chainlistener.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.wattwitness.chainlistener.service.FinalityMode;
import io.wattwitness.chainlistener.service.SyncSettings;
import java.time.Duration;
import java.util.Optional;

/**
 * Listener settings ({@code wattwitness.listener.*}); application.properties maps each to an environment variable.
 */
@ConfigMapping(prefix = "wattwitness.listener")
public interface ListenerConfig {

    /** Whether the scheduled poll runs (CHAIN_LISTENER_ENABLED). */
    @WithDefault("true")
    boolean enabled();

    /** JSON-RPC URL of the node (CHAIN_RPC_URL). */
    @WithDefault("http://127.0.0.1:8545")
    String rpcUrl();

    /** Timeout of one JSON-RPC call (CHAIN_RPC_TIMEOUT). */
    @WithDefault("PT30S")
    Duration rpcTimeout();

    /** WattWitnessAnchor address, "0x" + 40 hex (ANCHOR_CONTRACT_ADDRESS); without it the listener is DOWN. */
    Optional<String> contractAddress();

    /** First block to scan, the contract's deployment block (CHAIN_START_BLOCK). */
    @WithDefault("0")
    long startBlock();

    /** Most blocks per eth_getLogs call (CHAIN_RANGE_SIZE). */
    @WithDefault("2048")
    long rangeSize();

    /** finalized (default) or confirmations (CHAIN_FINALITY). */
    @WithDefault("finalized")
    FinalityMode finality();

    /** Blocks below head taken as settled without a finalized tag (CHAIN_CONFIRMATION_DEPTH). */
    @WithDefault("12")
    long confirmationDepth();

    /** Processed range ends kept to find the common ancestor after a reorganisation (CHAIN_CHECKPOINT_HISTORY). */
    @WithDefault("256")
    int checkpointHistory();

    /** Time between polls (CHAIN_POLL_INTERVAL); the scheduler reads it as ${wattwitness.listener.poll-interval}. */
    @WithDefault("2s")
    Duration pollInterval();

    /** First back-off after a failed poll (CHAIN_RETRY_INITIAL_BACKOFF). */
    @WithDefault("PT1S")
    Duration retryInitialBackoff();

    /** Largest back-off (CHAIN_RETRY_MAX_BACKOFF). */
    @WithDefault("PT60S")
    Duration retryMaxBackoff();

    /** Failed polls in a row after which readiness turns DOWN (CHAIN_HEALTH_FAILURE_THRESHOLD). */
    @WithDefault("5")
    int healthFailureThreshold();

    /** Bearer token of role anchoring for query-service's mark-on-chain (ANCHORING_TOKEN). */
    Optional<String> anchoringToken();

    /** The engine settings. */
    default SyncSettings syncSettings() {
        return new SyncSettings(startBlock(), rangeSize(), finality(), confirmationDepth(), checkpointHistory());
    }
}
