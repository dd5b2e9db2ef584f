package io.wattwitness.chainlistener.service;

import io.wattwitness.chainlistener.repository.KeyEventKind;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Event;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Bytes6;
import org.web3j.abi.datatypes.generated.Bytes8;
import org.web3j.abi.datatypes.generated.Uint32;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Numeric;

/**
 * Decodes the WattWitnessAnchor logs the listener cares about. Event layouts follow
 * contracts/src/WattWitnessAnchor.sol; {@code AnchorEventDecoderTest} checks them against the compiled ABI.
 */
public final class AnchorEventDecoder {

    /** BatchAnchored(uint64,bytes32,uint32,uint64,uint64,bytes32), batchId and workflowId indexed. */
    public static final Event BATCH_ANCHORED = new Event("BatchAnchored", List.of(
            new TypeReference<Uint64>(true) { },
            new TypeReference<Bytes32>() { },
            new TypeReference<Uint32>() { },
            new TypeReference<Uint64>() { },
            new TypeReference<Uint64>() { },
            new TypeReference<Bytes32>(true) { }));

    /** InstallationRegistered(uint64,bytes8,bytes6,bytes32,bytes32), installationId and deviceId indexed. */
    public static final Event INSTALLATION_REGISTERED = new Event("InstallationRegistered", List.of(
            new TypeReference<Uint64>(true) { },
            new TypeReference<Bytes8>(true) { },
            new TypeReference<Bytes6>() { },
            new TypeReference<Bytes32>() { },
            new TypeReference<Bytes32>() { }));

    /** DeviceKeyRotated(uint64,bytes8,bytes8,bytes6,bytes32,bytes32), the first three indexed. */
    public static final Event DEVICE_KEY_ROTATED = new Event("DeviceKeyRotated", List.of(
            new TypeReference<Uint64>(true) { },
            new TypeReference<Bytes8>(true) { },
            new TypeReference<Bytes8>(true) { },
            new TypeReference<Bytes6>() { },
            new TypeReference<Bytes32>() { },
            new TypeReference<Bytes32>() { }));

    public static final String BATCH_ANCHORED_TOPIC = EventEncoder.encode(BATCH_ANCHORED);
    public static final String INSTALLATION_REGISTERED_TOPIC = EventEncoder.encode(INSTALLATION_REGISTERED);
    public static final String DEVICE_KEY_ROTATED_TOPIC = EventEncoder.encode(DEVICE_KEY_ROTATED);

    /** topic0 values to ask eth_getLogs for (one OR-ed topic position). */
    public static List<String> topics() {
        return List.of(BATCH_ANCHORED_TOPIC, INSTALLATION_REGISTERED_TOPIC, DEVICE_KEY_ROTATED_TOPIC);
    }

    /**
     * Decodes one log.
     *
     * @return the event, or empty for logs of other events (the contract emits more, e.g. ForwarderUpdated)
     * @throws IllegalArgumentException when a known event's topics or data do not match its layout
     */
    public Optional<AnchorEvent> decode(Log log) {
        List<String> topics = log.getTopics();
        if (topics == null || topics.isEmpty()) {
            return Optional.empty();
        }
        String topic0 = topics.get(0).toLowerCase(Locale.ROOT);
        EventPosition position = new EventPosition(lower(log.getTransactionHash()),
                log.getBlockNumber().longValueExact(), lower(log.getBlockHash()),
                log.getLogIndex().intValueExact());
        if (topic0.equals(BATCH_ANCHORED_TOPIC)) {
            requireTopics(log, 3, "BatchAnchored");
            List<Type> data = decodeData(log, BATCH_ANCHORED);
            return Optional.of(new BatchAnchoredEvent(
                    uint(topics.get(1)),
                    hex32(data.get(0)),
                    ((BigInteger) data.get(1).getValue()).longValueExact(),
                    ((BigInteger) data.get(2).getValue()).longValueExact(),
                    ((BigInteger) data.get(3).getValue()).longValueExact(),
                    lower(topics.get(2)),
                    position));
        }
        if (topic0.equals(INSTALLATION_REGISTERED_TOPIC)) {
            requireTopics(log, 3, "InstallationRegistered");
            List<Type> data = decodeData(log, INSTALLATION_REGISTERED);
            return Optional.of(new InstallationKeyEvent(KeyEventKind.INSTALLATION_REGISTERED,
                    uint(topics.get(1)), bytes8(topics.get(2)), null, bytesHex(data.get(0)),
                    bytesHex(data.get(1)) + bytesHex(data.get(2)), position));
        }
        if (topic0.equals(DEVICE_KEY_ROTATED_TOPIC)) {
            requireTopics(log, 4, "DeviceKeyRotated");
            List<Type> data = decodeData(log, DEVICE_KEY_ROTATED);
            return Optional.of(new InstallationKeyEvent(KeyEventKind.DEVICE_KEY_ROTATED,
                    uint(topics.get(1)), bytes8(topics.get(3)), bytes8(topics.get(2)), bytesHex(data.get(0)),
                    bytesHex(data.get(1)) + bytesHex(data.get(2)), position));
        }
        return Optional.empty();
    }

    private static void requireTopics(Log log, int count, String name) {
        if (log.getTopics().size() != count) {
            throw new IllegalArgumentException(name + " log with " + log.getTopics().size() + " topics, expected "
                    + count + " (tx " + log.getTransactionHash() + ", log " + log.getLogIndex() + ")");
        }
    }

    private static List<Type> decodeData(Log log, Event event) {
        List<Type> values = FunctionReturnDecoder.decode(log.getData(), event.getNonIndexedParameters());
        if (values.size() != event.getNonIndexedParameters().size()) {
            throw new IllegalArgumentException(event.getName() + " log data does not match its layout (tx "
                    + log.getTransactionHash() + ", log " + log.getLogIndex() + ")");
        }
        return values;
    }

    private static long uint(String topic) {
        return Numeric.toBigInt(topic).longValueExact();
    }

    /** An indexed bytes8 topic is left-aligned in 32 bytes: the first 8 bytes. */
    private static String bytes8(String topic) {
        return Numeric.cleanHexPrefix(topic).substring(0, 16).toLowerCase(Locale.ROOT);
    }

    private static String hex32(Type value) {
        return Numeric.toHexString((byte[]) value.getValue()).toLowerCase(Locale.ROOT);
    }

    private static String bytesHex(Type value) {
        return Numeric.toHexStringNoPrefix((byte[]) value.getValue()).toLowerCase(Locale.ROOT);
    }

    private static String lower(String hex) {
        return hex == null ? null : hex.toLowerCase(Locale.ROOT);
    }
}
