package io.wattwitness.verifier.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.wattwitness.reading.DeviceSigner;
import io.wattwitness.reading.Hex;
import io.wattwitness.reading.MerkleTree;
import io.wattwitness.reading.ReadingMessage;
import io.wattwitness.verifier.testing.Anvil;
import io.wattwitness.verifier.testing.TestAnchor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's main entry, in process, against a real anvil with WattWitnessAnchor deployed: one installation's device
 * key registered, batch 1 of four readings signed with reading-format's {@link DeviceSigner} and sealed with the
 * {@link MerkleTree} query-service uses, its root anchored through {@code onReport}; a second installation whose
 * first key was rotated out, batch 2 holding one reading that retired key signed after its retirement.
 */
class VerifierAnvilTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long START_MS = 1_767_225_600_000L;
    private static final long[] POWER_MW = {1_000_000, 1_250_000, 1_500_000, 1_750_000};

    private static Anvil anvil;
    private static TestAnchor anchor;
    private static DeviceSigner signer;
    private static final List<byte[]> MESSAGES = new ArrayList<>();
    private static final List<byte[]> SIGNATURES = new ArrayList<>();
    private static MerkleTree tree;
    /** Installation 2's first key, retired by rotation at {@link #retiredAt} (Unix s). */
    private static DeviceSigner retired;
    private static long retiredAt;
    private static byte[] lateMessage;
    private static byte[] lateSignature;

    @TempDir
    Path dir;

    @BeforeAll
    static void chain() throws Exception {
        anvil = Anvil.start();
        anchor = TestAnchor.deploy(anvil);
        signer = new DeviceSigner(new BigInteger("3f2a9c1d5e7b80a4c6d2e1f0b3a59786c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9", 16));
        byte[] meter = Hex.decode("34945a1b2c3d");
        anchor.registerInstallation(1, meter, signer.publicKey().raw());
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < POWER_MW.length; i++) {
            byte[] message = new ReadingMessage(signer.publicKey().deviceId(), 0x34945a1b2c3dL, 7, i,
                    START_MS + i * 10_000L, POWER_MW[i], 1_523_400_000L + i * 3, 1).encode();
            byte[] signature = signer.sign(message);
            MESSAGES.add(message);
            SIGNATURES.add(signature);
            leaves.add(MerkleTree.leaf(message, signature));
        }
        tree = MerkleTree.of(leaves);
        anchor.anchor(1, tree.root(), POWER_MW.length, START_MS / 1000, START_MS / 1000 + 30);

        // installation 2: key rotated (the old one retired at this block's time), then a reading the old key signed
        // at 2030-01-01 00:00 UTC, after its retirement, sealed alone in batch 2
        byte[] meter2 = Hex.decode("34945a1b2c3e");
        retired = new DeviceSigner(new BigInteger("5b1e7a3c9d2f4086a1c3e5f7092b4d6f8a1c3e5b7d9f0a2c4e6b8d0f1a3c5e7d", 16));
        DeviceSigner current = new DeviceSigner(
                new BigInteger("6c2f8b4d0e3a5197b2d4f6a8103c5e7a9b2d4f6c8e0a1b3d5f7c9e1a2b4d6f8e", 16));
        anchor.registerInstallation(2, meter2, retired.publicKey().raw());
        retiredAt = anchor.rotateDeviceKey(2, meter2, current.publicKey().raw());
        long lateMs = 1_893_456_000_000L;
        lateMessage = new ReadingMessage(retired.publicKey().deviceId(), 0x34945a1b2c3eL, 1, 0, lateMs, 500_000,
                9_000_000L, 1).encode();
        lateSignature = retired.sign(lateMessage);
        anchor.anchor(2, MerkleTree.leaf(lateMessage, lateSignature), 1, lateMs / 1000, lateMs / 1000);
    }

    @AfterAll
    static void stop() throws Exception {
        if (anvil != null) {
            anvil.close();
        }
    }

    @Test
    void aValidReadingIsProven() throws Exception {
        Run run = verify(bundle(1, 2));

        assertEquals(0, run.code, run.out + run.err);
        List<String> lines = run.out.lines().toList();
        assertEquals(7, lines.size(), run.out);
        assertEquals("reading 12 of batch 1, contract " + anchor.address() + " via " + anvil.rpcUrl(), lines.get(0));
        assertEquals("OK          signature  ECDSA P-256 verifies with the contract's key of device "
                + signer.publicKey().deviceIdHex() + " (installation 1); the bundle's key matches it", lines.get(1));
        assertEquals("OK          merkle     leaf 0x" + Hex.encode(MerkleTree.leaf(MESSAGES.get(2), SIGNATURES.get(2)))
                + " and 2 sibling(s) reach root 0x" + Hex.encode(tree.root()) + " (reading-format SPEC §5)",
                lines.get(2));
        assertEquals(true, lines.get(3).startsWith("OK          anchored   batch 1 (4 readings) anchored at "),
                lines.get(3));
        assertEquals("OK          contract   verifyReading returned true, checkReading Valid, agreeing with the checks"
                + " above", lines.get(4));
        assertEquals("NOT CHECKED revocation the contract has no key revocation yet (a key retired by rotation is"
                + " checked under signature)", lines.get(5));
        assertEquals("RESULT: the reading is proven", lines.get(6));
    }

    @Test
    void aTamperedPowerFailsTheSignature() throws Exception {
        ObjectNode bundle = bundle(1, 1);
        byte[] message = MESSAGES.get(1).clone();
        message[41] ^= 0x01; // power_mw 1,250,000 mW -> 1,250,001 mW
        bundle.put("message", Hex.encode(message));

        Run run = verify(bundle);

        assertEquals(1, run.code, run.out + run.err);
        List<String> lines = run.out.lines().toList();
        assertEquals("FAIL        signature  does not verify with the contract's key of device "
                + signer.publicKey().deviceIdHex() + " (bad_signature: signature: signature does not verify under the"
                + " device key); the bundle's key matches it", lines.get(1));
        assertEquals(true, lines.get(2).startsWith("FAIL        merkle     "), lines.get(2));
        assertEquals("FAIL        contract   verifyReading returned false, checkReading NotInBatch", lines.get(4));
        assertEquals("RESULT: the reading is NOT proven", lines.get(6));
    }

    @Test
    void aWrongSiblingFailsTheMerklePath() throws Exception {
        ObjectNode bundle = bundle(1, 0);
        ((ArrayNode) bundle.get("proof")).set(0, "0x" + Hex.encode(MerkleTree.leaf(MESSAGES.get(2),
                SIGNATURES.get(2))));

        Run run = verify(bundle);

        assertEquals(1, run.code, run.out + run.err);
        List<String> lines = run.out.lines().toList();
        assertEquals(true, lines.get(1).startsWith("OK          signature  "), lines.get(1));
        assertEquals("FAIL        merkle     leaf 0x" + Hex.encode(MerkleTree.leaf(MESSAGES.get(0), SIGNATURES.get(0)))
                + " and 2 sibling(s) do not reach root 0x" + Hex.encode(tree.root()) + " (reading-format SPEC §5)",
                lines.get(2));
        assertEquals("FAIL        contract   verifyReading returned false, checkReading NotInBatch", lines.get(4));
    }

    @Test
    void aReadingSignedByARetiredKeyAfterItsRetirementFails() throws Exception {
        ObjectNode bundle = JSON.createObjectNode();
        bundle.put("batch_id", 2);
        bundle.put("reading_id", 20);
        bundle.put("index", 0);
        bundle.put("leaf", "0x" + Hex.encode(MerkleTree.leaf(lateMessage, lateSignature)));
        bundle.putArray("proof");
        bundle.put("merkle_root", "0x" + Hex.encode(MerkleTree.leaf(lateMessage, lateSignature)));
        bundle.put("message", Hex.encode(lateMessage));
        bundle.put("signature", Hex.encode(lateSignature));
        bundle.put("public_key", Hex.encode(retired.publicKey().raw()));
        bundle.put("device_id", retired.publicKey().deviceIdHex());

        Run run = verify(bundle);

        assertEquals(1, run.code, run.out + run.err);
        List<String> lines = run.out.lines().toList();
        assertEquals("FAIL        signature  device " + retired.publicKey().deviceIdHex() + "'s key was retired at "
                + retiredAt + " (Unix s), before the reading's time 1893456000000 ms; the bundle's key matches it",
                lines.get(1));
        assertEquals(true, lines.get(2).startsWith("OK          merkle     "), lines.get(2));
        assertEquals(true, lines.get(3).startsWith("OK          anchored   batch 2 (1 readings) anchored at "),
                lines.get(3));
        assertEquals("FAIL        contract   verifyReading returned false, checkReading KeyRetired", lines.get(4));
        assertEquals("RESULT: the reading is NOT proven", lines.get(6));
    }

    @Test
    void aBatchThatIsNotAnchoredFails() throws Exception {
        Run run = verify(bundle(3, 3));

        assertEquals(1, run.code, run.out + run.err);
        List<String> lines = run.out.lines().toList();
        assertEquals("FAIL        anchored   batch 3 is not anchored in the contract", lines.get(3));
        assertEquals("FAIL        contract   verifyReading returned false, checkReading UnknownBatch", lines.get(4));
    }

    @Test
    void aMissingFileExits2() {
        Path missing = dir.resolve("nothing.json");

        Run run = run("--bundle", missing.toString(), "--rpc", anvil.rpcUrl(), "--contract", anchor.address());

        assertEquals(2, run.code);
        assertEquals("error: bundle file " + missing + " does not exist" + System.lineSeparator(), run.err);
    }

    @Test
    void anAddressWithoutAContractExits2() throws Exception {
        Run run = run("--bundle", write(bundle(1, 0)).toString(), "--rpc", anvil.rpcUrl(), "--contract",
                "0x000000000000000000000000000000000000dEaD");

        assertEquals(2, run.code, run.out + run.err);
        assertEquals("error: no contract at 0x000000000000000000000000000000000000dEaD on this chain (check --contract"
                + " and --rpc)" + System.lineSeparator(), run.err);
    }

    @Test
    void anUnreachableRpcExits3() throws Exception {
        String rpc = "http://127.0.0.1:" + Anvil.freePort();

        Run run = run("--bundle", write(bundle(1, 0)).toString(), "--rpc", rpc, "--contract", anchor.address());

        assertEquals(3, run.code, run.out + run.err);
        assertEquals(true, run.err.startsWith("network error: cannot reach the JSON-RPC endpoint: "), run.err);
        assertEquals(false, run.err.contains("\tat "), run.err);
    }

    @Test
    void theApiModeFetchesTheBundleAndProvesTheReading() throws Exception {
        HttpServer api = proofApi();
        try {
            String base = "http://127.0.0.1:" + api.getAddress().getPort() + "/";
            Run run = run("--api", base, "--batch", "1", "--reading", "13", "--rpc", anvil.rpcUrl(), "--contract",
                    anchor.address());

            assertEquals(0, run.code, run.out + run.err);
            assertEquals("reading 13 of batch 1, contract " + anchor.address() + " via " + anvil.rpcUrl(),
                    run.out.lines().findFirst().orElseThrow());
            assertEquals("RESULT: the reading is proven", run.out.lines().reduce((a, b) -> b).orElseThrow());

            Run unknown = run("--api", base, "--batch", "1", "--reading", "99", "--rpc", anvil.rpcUrl(),
                    "--contract", anchor.address());

            assertEquals(2, unknown.code, unknown.out + unknown.err);
            assertEquals("error: the API answered 404 for " + base + "api/v1/batches/1/proof/99: {\"status\":404}"
                    + System.lineSeparator(), unknown.err);
        } finally {
            api.stop(0);
        }
    }

    @Test
    void anUnreachableApiExits3() throws Exception {
        Run run = run("--api", "http://127.0.0.1:" + Anvil.freePort(), "--batch", "1", "--reading", "13", "--rpc",
                anvil.rpcUrl(), "--contract", anchor.address());

        assertEquals(3, run.code, run.out + run.err);
        assertEquals(true, run.err.startsWith("network error: cannot reach the API at "), run.err);
    }

    /** A stand-in of query-service's proof endpoint serving reading 13 (index 3) of batch 1, 404 otherwise. */
    private static HttpServer proofApi() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/batches/", exchange -> {
            boolean known = exchange.getRequestURI().getPath().equals("/api/v1/batches/1/proof/13");
            byte[] body = (known ? bundle(1, 3).toString() : "{\"status\":404}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(known ? 200 : 404, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }

    /** The JSON query-service's proof endpoint serves for reading {@code index} of batch 1, named batch {@code id}. */
    private static ObjectNode bundle(long batchId, int index) {
        ObjectNode bundle = JSON.createObjectNode();
        bundle.put("batch_id", batchId);
        bundle.put("reading_id", 10 + index);
        bundle.put("index", index);
        bundle.put("leaf", "0x" + Hex.encode(MerkleTree.leaf(MESSAGES.get(index), SIGNATURES.get(index))));
        ArrayNode proof = bundle.putArray("proof");
        tree.proof(index).forEach(sibling -> proof.add("0x" + Hex.encode(sibling)));
        bundle.put("merkle_root", "0x" + Hex.encode(tree.root()));
        bundle.put("message", Hex.encode(MESSAGES.get(index)));
        bundle.put("signature", Hex.encode(SIGNATURES.get(index)));
        bundle.put("public_key", Hex.encode(signer.publicKey().raw()));
        bundle.put("device_id", signer.publicKey().deviceIdHex());
        return bundle;
    }

    private Run verify(ObjectNode bundle) throws Exception {
        return run("--bundle", write(bundle).toString(), "--rpc", anvil.rpcUrl(), "--contract", anchor.address());
    }

    private Path write(ObjectNode bundle) throws Exception {
        return Files.writeString(Files.createTempFile(dir, "proof", ".json"), bundle.toString());
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = VerifierMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private record Run(int code, String out, String err) {
    }
}
