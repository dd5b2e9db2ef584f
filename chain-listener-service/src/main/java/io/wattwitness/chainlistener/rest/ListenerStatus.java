package io.wattwitness.chainlistener.rest;

/**
 * Listener position and counters.
 *
 * @param scope              "&lt;chain id&gt;:&lt;contract&gt;", null before the first poll
 * @param lastProcessedBlock last block whose events were all handled
 * @param lastProcessedBlockHash its hash
 * @param headBlock          node's latest block
 * @param targetBlock        highest readable block (finalized or head minus depth)
 * @param lagBlocks          head minus last processed
 * @param batchesMarked      batches marked since start
 * @param rootMismatches     tamper alarms since start
 * @param openRootMismatches mismatching batches on the canonical chain (readiness DOWN while > 0)
 * @param reorgs             reorganisations since start
 * @param consecutiveFailures failed polls in a row
 * @param lastError          last poll error, null after a success
 * @param lastSuccessAt      ISO-8601 time of the last successful poll
 */
public record ListenerStatus(String scope, long lastProcessedBlock, String lastProcessedBlockHash, long headBlock,
        long targetBlock, long lagBlocks, long batchesMarked, long rootMismatches, long openRootMismatches, long reorgs,
        long consecutiveFailures, String lastError, String lastSuccessAt) {
}
