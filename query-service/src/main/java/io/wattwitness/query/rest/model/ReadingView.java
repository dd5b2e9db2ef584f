package io.wattwitness.query.rest.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

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
