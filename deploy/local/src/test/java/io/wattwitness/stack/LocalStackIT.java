package io.wattwitness.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wattwitness.reading.DeviceKey;
import io.wattwitness.reading.Hex;
import io.wattwitness.reading.MerkleTree;
import io.wattwitness.reading.ReadingMessage;
import io.wattwitness.reading.ReadingVerifier;
import java.io.IOException;
import java.math.BigInteger;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.http.HttpService;

/**
 * The acceptance test of the whole system: starts the local stack as a user would ({@code local-stack.jar}), lets
 * simulated meters publish at accelerated speed, and follows a reading from the meter to a proof on chain.
 */
class LocalStackIT {

    private static final Logger LOG = Logger.getLogger(LocalStackIT.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String API = "http://127.0.0.1:8082";
    private static final String RPC = "http://127.0.0.1:8545";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aReadingTravelsFromTheMeterToAProofOnChain() throws Exception {
        Path repo = Path.of(System.getProperty("wattwitness.repo", "../..")).toAbsolutePath().normalize();
        Path jar = Path.of(System.getProperty("wattwitness.stack.jar", "target/local-stack.jar"));
        Path replay = repo.resolveSibling("shared/data/pv/serf_east_1min_ac_power.csv");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
                "--repo", repo.toString(), "--fresh", "--database", "wattwitness_stack_it",
                "--devices", "2", "--speed", "10", "--start", Instant.now().minus(Duration.ofMinutes(40)).toString(),
                "--seal-interval", "10s", "--anchor-schedule", "*/10 * * * * *",
                "--simulator-arg=--tamper-rate=0.05", "--simulator-arg=--seed=7",
                "--firmware-meter", "--firmware-meter-interval-ms", "2000"));
        int expectedInstallations = 3;
        if (Files.exists(replay)) {
            command.add("--replay");
            command.add(replay.toString());
            expectedInstallations++;
        } else {
            LOG.warning("../shared/data/pv is absent: the stack runs without the replayed installation");
        }
        Path log = Path.of("target/local-stack-it.log");
        Process stack = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            // Every simulated meter (the replaying one too) must be registered before batches are checked.
            int expected = expectedInstallations;
            JsonNode installations = await("installations in the API", Duration.ofMinutes(5), stack, () -> {
                JsonNode list = get("/api/v1/installations/");
                return list != null && list.size() >= expected ? list : null;
            });
            assertEquals(expected, installations.size());
            Map<Long, DeviceKey> keys = new HashMap<>();
            for (JsonNode installation : installations) {
                keys.put(installation.get("id").asLong(), DeviceKey.ofHex(installation.get("public_key").asText()));
            }
            long firstInstallation = installations.get(0).get("id").asLong();

            JsonNode verified = await("verified readings", Duration.ofMinutes(2), stack, () -> {
                JsonNode page = get("/api/v1/readings/" + firstInstallation + "?limit=5");
                return page != null && page.get("readings").size() > 0 ? page.get("readings").get(0) : null;
            });
            assertTrue(verified.get("is_verified").asBoolean());

            // The firmware itself (firmware/linux beside the simulators) registered its installation and its
            // signed readings are stored verified.
            long firmwareInstallation = -1;
            for (JsonNode installation : installations) {
                if (FirmwareMeter.NAME.equals(installation.get("name").asText())) {
                    firmwareInstallation = installation.get("id").asLong();
                }
            }
            assertTrue(firmwareInstallation > 0, "the firmware meter's installation is registered: " + installations);
            long firmwareId = firmwareInstallation;
            JsonNode fromFirmware = await("a verified reading of the firmware meter", Duration.ofMinutes(2), stack,
                    () -> {
                        JsonNode page = get("/api/v1/readings/" + firmwareId + "?limit=5");
                        return page != null && page.get("readings").size() > 0 ? page.get("readings").get(0) : null;
                    });
            assertTrue(fromFirmware.get("is_verified").asBoolean(), "firmware reading: " + fromFirmware);
            ReadingVerifier.verify(keys.get(firmwareId), Hex.decode(fromFirmware.get("message").asText()),
                    Hex.decode(fromFirmware.get("signature").asText()));

            JsonNode batch = await("batch 1 anchored and marked on chain", Duration.ofMinutes(4), stack, () -> {
                JsonNode b = get("/api/v1/batches/1");
                return b != null && b.get("is_on_chain").asBoolean() ? b : null;
            });
            assertEquals(1, batch.get("batch_id").asLong());
            assertNotNull(batch.get("blockchain_tx_hash").textValue());

            // Every reading of the batch verifies against its installation's key, and the root recomputes.
            List<byte[]> leaves = new ArrayList<>();
            Set<String> batched = new HashSet<>();
            for (JsonNode reading : batch.get("readings")) {
                byte[] message = Hex.decode(reading.get("message").asText());
                byte[] signature = Hex.decode(reading.get("signature").asText());
                ReadingVerifier.verify(keys.get(reading.get("installation_id").asLong()), message, signature);
                leaves.add(MerkleTree.leaf(message, signature));
                batched.add(ReadingMessage.decode(message).identity().toString());
            }
            assertEquals(batch.get("reading_count").asInt(), leaves.size());
            assertEquals(batch.get("merkle_root").asText(), "0x" + Hex.encode(MerkleTree.of(leaves).root()));

            // A reading of the batch shows its on-chain state, and its proof verifies through the contract.
            JsonNode first = batch.get("readings").get(0);
            long readingId = first.get("id").asLong();
            JsonNode shown = findReading(first.get("installation_id").asLong(), readingId);
            assertTrue(shown.get("is_on_chain").asBoolean());
            assertEquals(batch.get("blockchain_tx_hash").asText(), shown.get("blockchain_tx_hash").asText());
            assertTrue(shown.get("blockchain_block_number").asLong() > 0);
            JsonNode proof = get("/api/v1/batches/1/proof/" + readingId);
            String anchor = get("/api/v1/chain").get("contract_address").asText();
            byte[] message = Hex.decode(proof.get("message").asText());
            byte[] signature = Hex.decode(proof.get("signature").asText());
            List<Bytes32> path = new ArrayList<>();
            proof.get("proof").forEach(node -> path.add(new Bytes32(Hex.decode(node.asText().substring(2)))));
            assertTrue(verifyOnChain(anchor, message, signature, 1, path), "proof verifies on chain");
            byte[] tampered = message.clone();
            tampered[40] ^= 1;
            assertFalse(verifyOnChain(anchor, tampered, signature, 1, path), "a tampered reading does not");

            // Tampered readings from the simulator are quarantined and never sealed.
            JsonNode quarantine = await("tampered readings in quarantine", Duration.ofMinutes(2), stack, () -> {
                for (JsonNode installation : installations) {
                    JsonNode items = get("/api/v1/readings/" + installation.get("id").asLong() + "/quarantine");
                    if (items != null) {
                        for (JsonNode item : items.get("items")) {
                            if ("bad_signature".equals(item.get("reason").asText())) {
                                return item;
                            }
                        }
                    }
                }
                return null;
            });
            String tamperedIdentity = quarantine.get("device_id").asText() + "/" + quarantine.get("boot").asLong()
                    + "/" + quarantine.get("seq").asLong();
            JsonNode tamperedEnvelope = JSON.readTree(quarantine.get("raw").asText());
            String tamperedMessage = tamperedEnvelope.get("message").asText();
            LOG.info("quarantined tampered reading " + tamperedIdentity);

            // The dashboard, in real headless Chromium against this stack: loads, live power, buckets, proofs.
            ProcessBuilder browserTest = new ProcessBuilder("npm", "run", "test:browser")
                    .directory(repo.resolve("dashboard").toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(Path.of("target/dashboard-browser-test.log").toFile());
            browserTest.environment().put("BASE_URL", API);
            Process browser = browserTest.start();
            browser.getOutputStream().close();
            assertTrue(browser.waitFor(10, TimeUnit.MINUTES), "dashboard browser tests finished");
            assertEquals(0, browser.exitValue(), "dashboard browser tests pass; see target/dashboard-browser-test.log");

            // Stop the chain listener mid-way: the stack restarts it and no anchored batch is left unmarked.
            long latestMarked = latestMarkedBatch();
            long pid = Long.parseLong(Files.readString(repo.resolve("deploy/local/logs/pids/chain-listener-service.pid"))
                    .trim());
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            long target = latestMarked + 2;
            await("batch " + target + " marked after the listener restarted", Duration.ofMinutes(4), stack, () -> {
                JsonNode b = get("/api/v1/batches/" + target);
                return b != null && b.get("is_on_chain").asBoolean() ? b : null;
            });
            for (long id = 1; id <= target; id++) {
                JsonNode b = get("/api/v1/batches/" + id);
                assertTrue(b.get("is_on_chain").asBoolean(), "batch " + id + " is marked on chain");
                for (JsonNode reading : b.get("readings")) {
                    byte[] sealed = Hex.decode(reading.get("message").asText());
                    String identity = ReadingMessage.decode(sealed).identity().toString();
                    // The tampered copy never moved an ack, so the meter's timeout resend may deliver the genuine
                    // reading under the same identity: only the genuine bytes, verified, may be sealed.
                    assertFalse(tamperedMessage.equalsIgnoreCase(reading.get("message").asText()),
                            "the tampered bytes of " + tamperedIdentity + " reached batch " + id);
                    ReadingVerifier.verify(keys.get(reading.get("installation_id").asLong()), sealed,
                            Hex.decode(reading.get("signature").asText()));
                    batched.add(identity);
                }
            }
        } finally {
            stack.destroy();
            boolean ended = stack.waitFor(120, TimeUnit.SECONDS);
            if (!ended) {
                stack.descendants().forEach(ProcessHandle::destroyForcibly);
                stack.destroyForcibly();
            }
            assertTrue(ended, "the stack shuts down cleanly on SIGTERM");
        }
        for (int port : new int[] {8081, 8082, 8083, 8084, 8545}) {
            assertFalse(Probes.tcpOpen("127.0.0.1", port), "port " + port + " is released after shutdown");
        }
    }

    private static long latestMarkedBatch() throws IOException, InterruptedException {
        long id = 1;
        while (true) {
            JsonNode next = get("/api/v1/batches/" + (id + 1));
            if (next == null || !next.get("is_on_chain").asBoolean()) {
                return id;
            }
            id++;
        }
    }

    private static JsonNode findReading(long installationId, long readingId) throws IOException, InterruptedException {
        String cursor = null;
        for (int page = 0; page < 100; page++) {
            JsonNode result = get("/api/v1/readings/" + installationId + "?limit=200&verified_only=false"
                    + (cursor == null ? "" : "&cursor=" + cursor));
            for (JsonNode reading : result.get("readings")) {
                if (reading.get("id").asLong() == readingId) {
                    return reading;
                }
            }
            if (result.get("next_cursor") == null || result.get("next_cursor").isNull()) {
                break;
            }
            cursor = result.get("next_cursor").asText();
        }
        throw new AssertionError("reading " + readingId + " not listed for installation " + installationId);
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static boolean verifyOnChain(String anchor, byte[] message, byte[] signature, long batchId,
            List<Bytes32> proof) throws IOException {
        Function function = new Function("verifyReading",
                List.of(new DynamicBytes(message), new DynamicBytes(signature), new Uint64(BigInteger.valueOf(batchId)),
                        new DynamicArray<>(Bytes32.class, proof)),
                List.of(new TypeReference<Bool>() { }));
        Web3j web3 = Web3j.build(new HttpService(RPC));
        try {
            String result = web3.ethCall(Transaction.createEthCallTransaction(null, anchor,
                    FunctionEncoder.encode(function)), DefaultBlockParameterName.LATEST).send().getValue();
            List<Type> decoded = FunctionReturnDecoder.decode(result, function.getOutputParameters());
            return (Boolean) decoded.get(0).getValue();
        } finally {
            web3.shutdown();
        }
    }

    private static JsonNode get(String path) throws IOException, InterruptedException {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(API + path))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
        } catch (ConnectException e) {
            return null;
        }
    }

    private interface Probe {
        JsonNode get() throws Exception;
    }

    private static JsonNode await(String what, Duration timeout, Process stack, Probe probe) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!stack.isAlive()) {
                throw new AssertionError("the stack exited with " + stack.exitValue() + " while waiting for " + what
                        + "; see target/local-stack-it.log and deploy/local/logs");
            }
            JsonNode result = probe.get();
            if (result != null) {
                return result;
            }
            Thread.sleep(2_000);
        }
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what
                + "; see target/local-stack-it.log and deploy/local/logs");
    }
}
