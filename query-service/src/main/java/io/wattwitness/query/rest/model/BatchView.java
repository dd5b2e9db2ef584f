package io.wattwitness.query.rest.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

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
