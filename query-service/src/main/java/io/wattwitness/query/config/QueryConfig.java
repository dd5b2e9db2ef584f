package io.wattwitness.query.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * query-service settings ({@code wattwitness.*} in application.properties; each has an environment override,
 * e.g. {@code WATTWITNESS_TOKENS_OPERATOR}, {@code CHAIN_RPC_URL}).
 */
@ConfigMapping(prefix = "wattwitness")
public interface QueryConfig {

    /** @return bearer tokens per role */
    Tokens tokens();

    /** @return energy booking */
    Energy energy();

    /** @return batch sealing */
    Batches batches();

    /** @return chain information for the dashboard */
    Chain chain();

    /** @return device and anchoring status thresholds */
    Status status();

    /** @return live updates */
    Live live();

    /** @return installation attestation (device certificate chains) */
    Attestation attestation();

    /** Opaque bearer tokens, comma-separated lists; a role without tokens cannot be used. */
    interface Tokens {
        /** @return tokens of the operator role (installations) */
        Optional<List<String>> operator();

        /** @return tokens of the anchoring role (mark-on-chain) */
        Optional<List<String>> anchoring();

        /** @return tokens of the device role (HTTP transport) */
        Optional<List<String>> device();
    }

    /** See {@code EnergyPolicy}. */
    interface Energy {
        /** @return nominal reading interval */
        @WithDefault("10s")
        Duration expectedInterval();

        /** @return intervals longer than this many nominal intervals are gaps */
        @WithDefault("3")
        int gapIntervals();

        /** @return register decreases up to this many Wh are rounding */
        @WithDefault("10")
        long roundingToleranceWh();

        /** @return a drop to at most this many Wh (and at most half) is a register restart */
        @WithDefault("1000")
        long restartNearZeroWh();

        /**
         * @return margin over capacity × duration of the energy one register step may book, percent (the ceiling is
         *         capacity × duration × (100 + margin) / 100 + 1 Wh)
         */
        @WithDefault("25")
        int capacityMarginPercent();

        /** @return readings re-read before a recomputed range, to restore the register baseline */
        @WithDefault("1h")
        Duration lookback();

        /**
         * @return how far back a recomputed range may start to reach the baseline of a held or glitch run that
         *         covers its start (a meter reading 0 all night): a run longer than this is booked from inside it
         */
        @WithDefault("24h")
        Duration heldLookback();
    }

    /** Sealing of verified readings into batches. */
    interface Batches {
        /** @return whether this instance runs the sealer */
        @WithDefault("true")
        boolean enabled();

        /** @return a batch is sealed as soon as this many readings wait */
        @WithDefault("1000")
        int maxReadings();

        /** @return or when the oldest waiting reading has waited this long */
        @WithDefault("5m")
        Duration maxAge();
    }

    /** The anchoring chain. */
    interface Chain {
        /** @return public JSON-RPC URL the browser may call */
        String rpcUrl();

        /** @return EVM chain id (43113 = Avalanche Fuji) */
        long chainId();

        /** @return anchor contract address, 0x-prefixed */
        Optional<String> contractAddress();

        /** @return explorer URL with {@code {tx}} for the transaction hash */
        Optional<String> explorerTxUrlTemplate();
    }

    /** Status thresholds. */
    interface Status {
        /** @return a device whose newest signed reading is older than this is stale */
        @WithDefault("30s")
        Duration staleAfter();

        /** @return and dead beyond this */
        @WithDefault("10m")
        Duration deadAfter();

        /** @return anchoring is stale when the last anchoring is older than this while batches wait */
        @WithDefault("30m")
        Duration anchoringStaleAfter();
    }

    /** Server-sent events. */
    interface Live {
        /** @return heartbeat comment period */
        @WithDefault("15s")
        Duration heartbeat();
    }

    /** Installation attestation: the certificate chain of the meter's secure element. */
    interface Attestation {
        /**
         * @return PEM files of trust anchors (manufacturer roots, e.g. Microchip's Trust&amp;GO root), each with one
         *         or more {@code CERTIFICATE} blocks; absent = attestation disabled (env
         *         {@code ATTESTATION_TRUST_ANCHORS}, comma-separated)
         */
        Optional<List<String>> trustAnchors();
    }
}
