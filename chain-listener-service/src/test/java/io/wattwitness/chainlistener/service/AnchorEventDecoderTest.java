package io.wattwitness.chainlistener.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.wattwitness.chainlistener.repository.KeyEventKind;
import io.wattwitness.chainlistener.testing.ContractArtifacts;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Event;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Bytes6;
import org.web3j.abi.datatypes.generated.Uint32;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Numeric;

class AnchorEventDecoderTest {

    private static final String TX = "0x" + "ab".repeat(32);
    private static final String BLOCK = "0x" + "cd".repeat(32);

    private final AnchorEventDecoder decoder = new AnchorEventDecoder();

    /** The Java event layouts must be the compiled contract's: same name, types, order and indexed flags. */
    @Test
    void eventLayoutsMatchTheCompiledAbi() throws ClassNotFoundException {
        JsonNode abi = ContractArtifacts.artifact("WattWitnessAnchor").path("abi");
        for (Event event : List.of(AnchorEventDecoder.BATCH_ANCHORED, AnchorEventDecoder.INSTALLATION_REGISTERED,
                AnchorEventDecoder.DEVICE_KEY_ROTATED)) {
            JsonNode entry = null;
            for (JsonNode item : abi) {
                if ("event".equals(item.path("type").asText()) && event.getName().equals(item.path("name").asText())) {
                    entry = item;
                }
            }
            assertTrue(entry != null, "event " + event.getName() + " is in the ABI");
            List<String> abiParams = new ArrayList<>();
            for (JsonNode input : entry.path("inputs")) {
                abiParams.add(input.path("type").asText() + (input.path("indexed").asBoolean() ? " indexed" : ""));
            }
            List<String> javaParams = new ArrayList<>();
            for (TypeReference<Type> parameter : event.getParameters()) {
                String name = parameter.getClassType().getSimpleName().toLowerCase();
                javaParams.add(name + (parameter.isIndexed() ? " indexed" : ""));
            }
            assertEquals(abiParams, javaParams, event.getName());
            String signature = event.getName() + "(" + String.join(",",
                    abiParams.stream().map(p -> p.replace(" indexed", "")).toList()) + ")";
            assertEquals(Numeric.toHexString(Hash.sha3(signature.getBytes())),
                    EventEncoder.encode(event));
        }
    }

    @Test
    void decodesBatchAnchored() {
        String root = "0x" + "5a".repeat(32);
        String workflowId = "0x" + "77".repeat(32);
        Log log = log(List.of(AnchorEventDecoder.BATCH_ANCHORED_TOPIC, topicUint(42), workflowId),
                FunctionEncoder.encodeConstructor(List.of(new Bytes32(Numeric.hexStringToByteArray(root)),
                        new Uint32(360), new Uint64(1_767_225_600L), new Uint64(1_767_229_190L))));

        BatchAnchoredEvent event = (BatchAnchoredEvent) decoder.decode(log).orElseThrow();

        assertEquals(42, event.batchId());
        assertEquals(root, event.merkleRoot());
        assertEquals(360, event.readingCount());
        assertEquals(1_767_225_600L, event.firstReadingTime());
        assertEquals(1_767_229_190L, event.lastReadingTime());
        assertEquals(workflowId, event.workflowId());
        assertEquals(new EventPosition(TX, 77, BLOCK, 3), event.position());
    }

    @Test
    void decodesKeyEvents() {
        String x = "11".repeat(32);
        String y = "22".repeat(32);
        String data = FunctionEncoder.encodeConstructor(List.of(
                new Bytes6(Numeric.hexStringToByteArray("a4cf12f00b01")),
                new Bytes32(Numeric.hexStringToByteArray(x)), new Bytes32(Numeric.hexStringToByteArray(y))));
        Log registered = log(List.of(AnchorEventDecoder.INSTALLATION_REGISTERED_TOPIC, topicUint(7),
                "0x0102030405060708" + "0".repeat(48)), data);
        Log rotated = log(List.of(AnchorEventDecoder.DEVICE_KEY_ROTATED_TOPIC, topicUint(7),
                "0x0102030405060708" + "0".repeat(48), "0x1112131415161718" + "0".repeat(48)), data);

        InstallationKeyEvent first = (InstallationKeyEvent) decoder.decode(registered).orElseThrow();
        InstallationKeyEvent second = (InstallationKeyEvent) decoder.decode(rotated).orElseThrow();

        assertEquals(KeyEventKind.INSTALLATION_REGISTERED, first.kind());
        assertEquals(7, first.installationId());
        assertEquals("0102030405060708", first.deviceId());
        assertNull(first.previousDeviceId());
        assertEquals("a4cf12f00b01", first.meterId());
        assertEquals(x + y, first.publicKey());
        assertEquals(KeyEventKind.DEVICE_KEY_ROTATED, second.kind());
        assertEquals("1112131415161718", second.deviceId());
        assertEquals("0102030405060708", second.previousDeviceId());
    }

    @Test
    void otherEventsAreIgnoredAndBrokenOnesRejected() {
        Log other = log(List.of("0x" + "ee".repeat(32)), "0x");
        assertEquals(Optional.empty(), decoder.decode(other));
        Log missingTopic = log(List.of(AnchorEventDecoder.BATCH_ANCHORED_TOPIC, topicUint(1)), "0x");
        assertThrows(IllegalArgumentException.class, () -> decoder.decode(missingTopic));
    }

    private static String topicUint(long value) {
        return Numeric.toHexStringWithPrefixZeroPadded(BigInteger.valueOf(value), 64);
    }

    private static Log log(List<String> topics, String data) {
        Log log = new Log();
        log.setTopics(topics);
        log.setData(data.startsWith("0x") ? data : "0x" + data);
        log.setTransactionHash(TX);
        log.setBlockHash(BLOCK);
        log.setBlockNumber("0x4d");
        log.setLogIndex("0x3");
        log.setAddress("0x5fbdb2315678afecb367f032d93f642f64180aa3");
        return log;
    }
}
