package io.wattwitness.verifier.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes of the input errors, which need no chain. */
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
