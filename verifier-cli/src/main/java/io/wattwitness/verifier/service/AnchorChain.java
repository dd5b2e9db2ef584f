package io.wattwitness.verifier.service;

import java.util.List;
import java.util.Optional;

/** The reads the verifier makes from the anchoring contract (view functions of {@code WattWitnessAnchor}). */
public interface AnchorChain {

    /**
     * {@code getBatch(batchId)}.
     *
     * @param batchId batch id
     * @return the anchored batch, empty when the contract has not anchored it
     * @throws ChainException the JSON-RPC failed
     * @throws InputException the address holds no anchor contract
     */
    Optional<AnchoredBatch> batch(long batchId) throws ChainException, InputException;

    /**
     * {@code getDeviceKeys([deviceId])}.
     *
     * @param deviceId device id, first 8 bytes of SHA-256(X||Y) as a big-endian long (reading-format SPEC §3.1)
     * @return the registered key, empty when the device is unknown to the contract
     * @throws ChainException the JSON-RPC failed
     * @throws InputException the address holds no anchor contract
     */
    Optional<RegisteredKey> deviceKey(long deviceId) throws ChainException, InputException;

    /**
     * {@code checkReading(message, signature, batchId, proof)}: the contract's own verdict.
     *
     * @param message the 52-byte message
     * @param signature the 64-byte signature
     * @param batchId batch id
     * @param proof sibling hashes, 32 bytes each
     * @return the contract's {@code ReadingStatus}
     * @throws ChainException the JSON-RPC failed
     * @throws InputException the address holds no anchor contract
     */
    ContractStatus checkReading(byte[] message, byte[] signature, long batchId, List<byte[]> proof)
            throws ChainException, InputException;

    /**
     * {@code verifyReading(message, signature, batchId, proof)}.
     *
     * @return true only when the contract proves the reading
     * @throws ChainException the JSON-RPC failed
     * @throws InputException the address holds no anchor contract
     */
    boolean verifyReading(byte[] message, byte[] signature, long batchId, List<byte[]> proof)
            throws ChainException, InputException;
}
