package io.wattwitness.query.service;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.List;

/**
 * The JSON shapes of the query API (binding API contract, /tmp/ww/api-contract.md); names are written in
 * snake_case by the configured Jackson naming strategy.
 */
public final class ApiModel {

    private ApiModel() {
    }

    /**
     * Body of {@code POST /api/v1/installations/}.
     *
     * @param name display name, required
     * @param shellyMac meter MAC, 12 hex, required
     * @param publicKey device key X‖Y, 128 hex, on P-256, required
     * @param timezone IANA zone, default UTC
     * @param latitude −90..90 or null
     * @param longitude −180..180 or null
     * @param capacityW nameplate W ≥ 0 or null
     * @param rotateKey allow replacing the key of an existing installation
     * @param certificates optional attestation of {@code public_key}: PEM certificates, the device certificate first,
     *        then its signer (ATECC608A Trust&amp;GO layout), 1 to 4; checked against the configured trust anchors
     *        (400 malformed, 422 {@code attestation_failed} / {@code attestation_disabled}, see AttestationService)
     */
    public record InstallationRequest(String name, String shellyMac, String publicKey, String timezone, Double latitude,
            Double longitude, Double capacityW, Boolean rotateKey, List<String> certificates) {
    }

    /**
     * An installation.
     *
     * @param id id
     * @param name name
     * @param shellyMac MAC
     * @param publicKey current key
     * @param deviceId current device id, 16 hex
     * @param timezone IANA zone
     * @param latitude latitude
     * @param longitude longitude
     * @param capacityW capacity W
     * @param createdAt created
     * @param updatedAt updated
     * @param isActive active
     * @param keyFingerprint = device id
     * @param keys key history, oldest first
     * @param attestation whether a certificate chain attested the current key
     */
    public record InstallationView(long id, String name, String shellyMac, String publicKey, String deviceId,
            String timezone, Double latitude, Double longitude, Double capacityW, Instant createdAt, Instant updatedAt,
            @JsonProperty("is_active") boolean isActive, String keyFingerprint, List<KeyView> keys,
            AttestationView attestation) {
    }

    /**
     * The attestation of an installation's current key: {@code {"attested": true, "device_subject": "CN=…",
     * "device_serial": "1a2b", "anchor_subject": "CN=…", "checked_at": "2026-…Z"}} or {@code {"attested": false}}.
     *
     * @param attested whether a chain attested the current key
     * @param deviceSubject device certificate subject (RFC 4514), omitted when not attested
     * @param deviceSerial device certificate serial, lowercase hex, omitted when not attested
     * @param anchorSubject subject of the trust anchor (manufacturer root) the chain led to, omitted when not attested
     * @param checkedAt when the chain was checked, omitted when not attested
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AttestationView(boolean attested, String deviceSubject, String deviceSerial, String anchorSubject,
            Instant checkedAt) {

        /** Not attested. */
        public static final AttestationView NONE = new AttestationView(false, null, null, null, null);
    }

    /**
     * One key of an installation.
     *
     * @param publicKey X‖Y hex
     * @param deviceId device id
     * @param validFrom valid since
     * @param retiredAt replaced at, or null
     */
    public record KeyView(String publicKey, String deviceId, Instant validFrom, Instant retiredAt) {
    }

    /**
     * A stored reading.
     *
     * @param id id
     * @param installationId installation
     * @param powerW W
     * @param totalWh register Wh
     * @param timestamp reading time, Unix s
     * @param timestampMs reading time, Unix ms
     * @param signature low-S hex
     * @param isVerified signature verified
     * @param createdAt stored at
     * @param deviceId device id
     * @param boot boot
     * @param seq seq
     * @param message 104 hex
     * @param verificationError reason or null
     * @param status verified | disputed | anomaly
     * @param batchId batch or null
     * @param isOnChain anchored
     * @param blockchainTxHash tx or null
     * @param blockchainBlockNumber block or null
     * @param late true when the reading was older than the age limit when received and was stored because it
     *        continues its device's sequence (reading-format SPEC.md §8)
     * @param registerState what the energy booking made of the register: null for an ordinary reading,
     *        {@code glitch} (a transient drop that came back: no energy booked for it), {@code held} (a drop not yet
     *        decided by a later reading: nothing booked yet) or {@code excess} (a rise beyond capacity × time: the
     *        excess is not booked); query-service README, Energy
     */
    public record ReadingView(long id, long installationId, double powerW, double totalWh, long timestamp, long timestampMs,
            String signature, @JsonProperty("is_verified") boolean isVerified, Instant createdAt, String deviceId, long boot,
            long seq, String message, String verificationError, String status, Long batchId,
            @JsonProperty("is_on_chain") boolean isOnChain, String blockchainTxHash, Long blockchainBlockNumber,
            @JsonProperty("late") boolean late, @JsonProperty("register_state") String registerState) {
    }

    /**
     * @param readings newest first
     * @param nextCursor cursor for the next page, or null at the end
     */
    public record ReadingPage(List<ReadingView> readings, String nextCursor) {
    }

    /**
     * @param id id
     * @param receivedAt received
     * @param reason code
     * @param detail text
     * @param deviceId device or null
     * @param boot boot or null
     * @param seq seq or null
     * @param raw the envelope as received, as text
     */
    public record QuarantineItem(long id, Instant receivedAt, String reason, String detail, String deviceId, Long boot,
            Long seq, String raw) {
    }

    /**
     * @param items newest first
     */
    public record QuarantinePage(List<QuarantineItem> items) {
    }

    /**
     * @param label local label
     * @param value energy, Wh
     * @param timestamp bucket start, Unix s
     * @param estimated part of the bucket is a gap or integrated power
     */
    public record ChartPoint(String label, double value, long timestamp, boolean estimated) {
    }

    /**
     * @param dataPoints oldest first
     * @param timeFrame hour | day | week | month | year
     * @param totalEnergy Σ values, Wh
     * @param unit always "Wh"
     * @param timezone zone used for the buckets
     */
    public record ChartView(List<ChartPoint> dataPoints, String timeFrame, double totalEnergy, String unit,
            String timezone) {
    }

    /**
     * @param installationId installation
     * @param currentPowerW power of the latest reading, W, or null
     * @param lastReadingAt latest reading time, Unix s, or null
     * @param lastReadingAgeS its age in s, or null
     * @param todayEnergyWh since local midnight, Wh
     * @param lifetimeEnergyWh all booked energy, Wh
     * @param firstReadingAt first reading time, Unix s, or null
     * @param boot boot of the latest reading, or null
     * @param uptimeS since the first reading of that boot, s, or null
     * @param timezone zone
     */
    public record SummaryView(long installationId, Double currentPowerW, Long lastReadingAt, Long lastReadingAgeS,
            double todayEnergyWh, double lifetimeEnergyWh, Long firstReadingAt, Long boot, Long uptimeS, String timezone) {
    }

    /**
     * @param installationId installation
     * @param overall ok | degraded | down
     * @param problems human-readable problems
     * @param deviceConnection MQTT birth / last will
     * @param liveness from the signed reading sequence
     * @param anchoring from the last anchored batch
     */
    public record StatusView(long installationId, String overall, List<String> problems, Connection deviceConnection,
            Liveness liveness, Anchoring anchoring) {
    }

    /**
     * @param state online | offline | unknown
     * @param since when the state was reported, or null
     * @param boot announced boot, or null
     */
    public record Connection(String state, Instant since, Long boot) {
    }

    /**
     * @param state live | stale | dead | unknown
     * @param lastReadingAt newest reading in sequence, Unix s, or null
     * @param lastReadingAgeS its age, s, or null
     * @param expectedIntervalS nominal interval, s
     */
    public record Liveness(String state, Long lastReadingAt, Long lastReadingAgeS, long expectedIntervalS) {
    }

    /**
     * @param state fresh | stale | none
     * @param lastBatchId last anchored batch with a reading of the installation, or null
     * @param lastAnchoredAt when it was marked, or null
     * @param ageS its age, s, or null
     * @param blockchainTxHash tx or null
     * @param blockchainBlockNumber block or null
     */
    public record Anchoring(String state, Long lastBatchId, Instant lastAnchoredAt, Long ageS, String blockchainTxHash,
            Long blockchainBlockNumber) {
    }

    /**
     * @param deviceId device id from the message
     * @param boot boot from the message
     * @param seq seq from the message
     * @param status "accepted"
     */
    public record SubmitResult(String deviceId, long boot, long seq, String status) {
    }

    /**
     * Body of {@code GET /api/v1/readings/pending} (the original shape of this endpoint): {@code {"readings":
     * [[id, power_w, total_wh, timestamp, signature], …], "first_reading_id": …, "last_reading_id": …, "count": …}}.
     *
     * @param readings in id order, each written as an array ({@link PendingReading})
     * @param firstReadingId first id or null
     * @param lastReadingId last id or null
     * @param count readings
     */
    public record PendingView(List<PendingReading> readings, Long firstReadingId, Long lastReadingId, int count) {
    }

    /**
     * A verified reading not yet on chain, written as the JSON array {@code [id, power_w, total_wh, timestamp,
     * signature]} (e.g. {@code [42, 1234.5, 3737.0, 1700000000, "3045…"]}), the wire format of the pending endpoint.
     *
     * @param id reading id
     * @param powerW active power, W
     * @param totalWh energy register, Wh
     * @param timestamp reading time, Unix s
     * @param signature low-S signature r‖s, 128 hex
     */
    @JsonFormat(shape = JsonFormat.Shape.ARRAY)
    @JsonPropertyOrder({"id", "powerW", "totalWh", "timestamp", "signature"})
    public record PendingReading(long id, double powerW, double totalWh, long timestamp, String signature) {
    }

    /**
     * Body of {@code POST /api/v1/readings/mark-on-chain/}: either the range form or the batch form.
     *
     * @param firstReadingId range form: first id
     * @param lastReadingId range form: last id
     * @param batchId batch form: batch id
     * @param blockchainTxHash 0x + 64 hex
     * @param blockchainBlockNumber ≥ 0
     * @param merkleRoot batch form: 0x + 64 hex, must equal the sealed root
     */
    public record MarkOnChainRequest(Long firstReadingId, Long lastReadingId, Long batchId, String blockchainTxHash,
            Long blockchainBlockNumber, String merkleRoot) {
    }

    /**
     * @param batchId batch or null (range form)
     * @param marked readings newly marked
     * @param alreadyMarked whether the call repeated an earlier one
     */
    public record MarkOnChainResult(Long batchId, int marked, boolean alreadyMarked) {
    }

    /**
     * A sealed batch; {@code readings} is omitted in summaries.
     *
     * @param batchId id
     * @param merkleRoot 0x + 64 hex
     * @param readingCount readings
     * @param firstReadingTime earliest reading, Unix s
     * @param lastReadingTime latest reading, Unix s
     * @param sealedAt sealed
     * @param isOnChain anchored
     * @param blockchainTxHash tx or null
     * @param blockchainBlockNumber block or null
     * @param readings in batch (leaf) order, or null
     */
    public record BatchView(long batchId, String merkleRoot, int readingCount, long firstReadingTime, long lastReadingTime,
            Instant sealedAt, @JsonProperty("is_on_chain") boolean isOnChain, String blockchainTxHash,
            Long blockchainBlockNumber, @JsonInclude(JsonInclude.Include.NON_NULL) List<BatchReading> readings) {
    }

    /**
     * @param id reading id
     * @param installationId installation
     * @param deviceId 16 hex
     * @param message 104 hex
     * @param signature 128 hex, low-S
     * @param timestamp reading time, Unix s
     */
    public record BatchReading(long id, long installationId, String deviceId, String message, String signature,
            long timestamp) {
    }

    /**
     * @param batchId batch
     * @param readingId reading
     * @param index leaf position
     * @param leaf 0x + 64 hex
     * @param proof sibling hashes, leaf level first
     * @param merkleRoot 0x + 64 hex
     * @param message 104 hex
     * @param signature 128 hex
     * @param publicKey 128 hex
     * @param deviceId 16 hex
     */
    public record ProofView(long batchId, long readingId, int index, String leaf, List<String> proof, String merkleRoot,
            String message, String signature, String publicKey, String deviceId) {
    }

    /**
     * @param chainId EVM chain id
     * @param rpcUrl public JSON-RPC URL
     * @param contractAddress anchor contract or null
     * @param explorerTxUrlTemplate URL with {tx}, or null
     */
    public record ChainView(long chainId, String rpcUrl, String contractAddress, String explorerTxUrlTemplate) {
    }
}
