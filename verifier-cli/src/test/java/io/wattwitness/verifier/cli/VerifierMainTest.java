package io.wattwitness.verifier.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import io.wattwitness.verifier.service.ChainException;
import io.wattwitness.verifier.service.InputException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes of the input errors, RPC errors against stand-in endpoints, and internal errors. */
class VerifierMainTest {

    private static final String CONTRACT = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

    @TempDir
    Path dir;

    @Test
    void aUsageErrorExits2WithTheUsage() {
        Run run = run("--bundle", "p.json");

        assertEquals(2, run.code);
        assertEquals("", run.out);
        assertEquals("error: --rpc is required" + System.lineSeparator() + Arguments.USAGE + System.lineSeparator(),
                run.err);
    }

    @Test
    void aMissingFileExits2WithoutAStackTrace() {
        Path missing = dir.resolve("missing.json");

        Run run = run("--bundle", missing.toString(), "--rpc", "http://127.0.0.1:1", "--contract", CONTRACT);

        assertEquals(2, run.code);
        assertEquals("error: bundle file " + missing + " does not exist" + System.lineSeparator(), run.err);
    }

    @Test
    void aFileThatIsNotJsonExits2() throws Exception {
        Path file = Files.writeString(dir.resolve("proof.json"), "not json");

        Run run = run("--bundle", file.toString(), "--rpc", "http://127.0.0.1:1", "--contract", CONTRACT);

        assertEquals(2, run.code);
        assertEquals(true, run.err.startsWith("error: the bundle is not valid JSON: Unrecognized token 'not'"));
    }

    @Test
    void anRpcEndpointAnsweringAnHttpErrorExits3() throws Exception {
        Path file = Files.writeString(dir.resolve("proof.json"), "{\"batch_id\":1,\"proof\":[],\"merkle_root\":\""
                + "ab".repeat(32) + "\",\"message\":\"00\",\"signature\":\"00\"}");
        HttpServer rpc = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        rpc.createContext("/", exchange -> {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        rpc.start();
        try {
            Run run = run("--bundle", file.toString(), "--rpc", "http://127.0.0.1:" + rpc.getAddress().getPort(),
                    "--contract", CONTRACT);

            assertEquals(3, run.code, run.out + run.err);
            assertEquals(true, run.err.startsWith("network error: the JSON-RPC endpoint refused the call: "),
                    run.err);
        } finally {
            rpc.stop(0);
        }
    }

    @Test
    void anRpcEndpointAnsweringSomethingThatIsNotJsonRpcExits3AsAMalformedAnswer() throws Exception {
        Path file = Files.writeString(dir.resolve("proof.json"), "{\"batch_id\":1,\"proof\":[],\"merkle_root\":\""
                + "ab".repeat(32) + "\",\"message\":\"00\",\"signature\":\"00\"}");
        HttpServer rpc = rpc("<html>not json-rpc</html>");
        try {
            Run run = run("--bundle", file.toString(), "--rpc", "http://127.0.0.1:" + rpc.getAddress().getPort(),
                    "--contract", CONTRACT);

            assertEquals(3, run.code, run.out + run.err);
            assertEquals(true, run.err.startsWith("network error: malformed answer from the JSON-RPC endpoint (not "
                    + "JSON-RPC): Unexpected character ('<'"), run.err);
            assertEquals(1, run.err.lines().count(), run.err);
        } finally {
            rpc.stop(0);
        }
    }

    @Test
    void anEthCallResultThatIsNotHexExits3AsAMalformedAnswer() throws Exception {
        // a valid bundle shape; eth_getCode answers code, every eth_call answers a result that is not hex
        Path file = Files.writeString(dir.resolve("proof.json"), "{\"batch_id\":1,\"proof\":[],\"merkle_root\":\""
                + "ab".repeat(32) + "\",\"message\":\"" + "00".repeat(52) + "\",\"signature\":\"" + "00".repeat(64)
                + "\"}");
        HttpServer rpc = rpc(null);
        try {
            Run run = run("--bundle", file.toString(), "--rpc", "http://127.0.0.1:" + rpc.getAddress().getPort(),
                    "--contract", CONTRACT);

            assertEquals(3, run.code, run.out + run.err);
            assertEquals("network error: malformed answer from the JSON-RPC endpoint: getBatch returned a result that "
                    + "is not hex (not a hex digit at position 0)" + System.lineSeparator(), run.err);
        } finally {
            rpc.stop(0);
        }
    }

    @Test
    void anyOtherRuntimeExceptionIsAnInternalErrorExit4InOneLine() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = VerifierMain.guarded(new PrintStream(err, true, StandardCharsets.UTF_8), () -> {
            throw new IllegalStateException("a defect");
        });

        assertEquals(4, code);
        assertEquals("internal error: java.lang.IllegalStateException: a defect" + System.lineSeparator(),
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void chainAndInputErrorsKeepTheirExitCodes() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(err, true, StandardCharsets.UTF_8);

        assertEquals(3, VerifierMain.guarded(stream, () -> {
            throw new ChainException("cannot reach the JSON-RPC endpoint: refused", null);
        }));
        assertEquals(2, VerifierMain.guarded(stream, () -> {
            throw new InputException("bad hex");
        }));
        assertEquals(0, VerifierMain.guarded(stream, () -> 0));
        assertEquals("network error: cannot reach the JSON-RPC endpoint: refused" + System.lineSeparator()
                + "error: bad hex" + System.lineSeparator(), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * A JSON-RPC stand-in answering every request with {@code body}, or, when null, eth_getCode with code and any
     * other method with the result "0xzz" (not hex).
     */
    private static HttpServer rpc(String body) throws Exception {
        HttpServer rpc = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        rpc.createContext("/", exchange -> {
            String request = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String id = request.replaceAll(".*\"id\":(\\d+).*", "$1");
            String answer = body != null ? body : "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":\""
                    + (request.contains("eth_getCode") ? "0x6080" : "0xzz") + "\"}";
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        rpc.start();
        return rpc;
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
