package io.wattwitness.verifier.service;

import io.wattwitness.reading.DeviceKey;
import io.wattwitness.reading.Hex;
import io.wattwitness.reading.ReadingFormatException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** In-memory {@link AnchorChain} for unit tests: batches and keys as set, the contract's verdict as set. */
final class FakeAnchorChain implements AnchorChain {

    final Map<Long, AnchoredBatch> batches = new HashMap<>();
    final Map<Long, RegisteredKey> keys = new HashMap<>();
    ContractStatus verdict = ContractStatus.Valid;
    int contractCalls;

    FakeAnchorChain anchor(long batchId, String rootHex, long count) {
        batches.put(batchId, new AnchoredBatch(Hex.decode(rootHex), count, 1_767_226_000L));
        return this;
    }

    FakeAnchorChain register(String publicKeyHex, long installationId, long retiredAt) {
        try {
            keys.put(DeviceKey.ofHex(publicKeyHex).deviceId(),
                    new RegisteredKey(Hex.decode(publicKeyHex), installationId, 1_767_000_000L, retiredAt));
        } catch (ReadingFormatException e) {
            throw new IllegalArgumentException(e);
        }
        return this;
    }

    @Override
    public Optional<AnchoredBatch> batch(long batchId) {
        return Optional.ofNullable(batches.get(batchId));
    }

    @Override
    public Optional<RegisteredKey> deviceKey(long deviceId) {
        return Optional.ofNullable(keys.get(deviceId));
    }

    @Override
    public ContractStatus checkReading(byte[] message, byte[] signature, long batchId, List<byte[]> proof) {
        contractCalls++;
        return verdict;
    }

    @Override
    public boolean verifyReading(byte[] message, byte[] signature, long batchId, List<byte[]> proof) {
        contractCalls++;
        return verdict == ContractStatus.Valid;
    }
}
