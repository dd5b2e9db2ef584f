package io.wattwitness.chainlistener.rest;

import io.wattwitness.chainlistener.repository.KeyEventEntity;

/**
 * One installation key event (device ids 16 hex, meter id 12 hex, public key 128 hex X || Y).
 */
public record KeyEventView(String kind, long installationId, String deviceId, String previousDeviceId,
        String meterId, String publicKey, String blockchainTxHash, long blockchainBlockNumber, int logIndex,
        String recordedAt) {

    static KeyEventView of(KeyEventEntity row) {
        return new KeyEventView(row.kind.name(), row.installationId, row.deviceId, row.previousDeviceId,
                row.meterId, row.publicKey, row.txHash, row.blockNumber, row.logIndex,
                row.recordedAt == null ? null : row.recordedAt.toString());
    }
}
