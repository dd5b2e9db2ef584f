package io.wattwitness.verifier.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * A real anvil node (npm @foundry-rs/anvil in contracts/node_modules, as chain-listener-service's tests use it) on a
 * free port, {@code --hardfork osaka} for the P256VERIFY precompile, chain id 43113.
 */
public final class Anvil implements AutoCloseable {

    /** anvil's first development account (deployer, owner, forwarder of the test anchor). */
    public static final String DEV_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    /** Chain id of the node. */
    public static final long CHAIN_ID = 43113;

    private final int port;
    private final Process process;
    private final Web3j web3j;

    private Anvil(int port, Process process, Web3j web3j) {
        this.port = port;
        this.process = process;
        this.web3j = web3j;
    }

    /** @return a started node, answering JSON-RPC */
    public static Anvil start() throws IOException, InterruptedException {
        Path contracts = ContractArtifacts.contractsDir();
        Path binary = contracts.resolve("node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil");
        if (!Files.isExecutable(binary)) {
            binary = contracts.resolve("node_modules/.bin/anvil");
        }
        int port = freePort();
        Path log = Files.createTempFile("anvil-verifier", ".log");
        Process process = new ProcessBuilder(List.of(binary.toString(), "--hardfork", "osaka", "--chain-id",
                String.valueOf(CHAIN_ID), "--host", "127.0.0.1", "--port", String.valueOf(port)))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Web3j web3j = Web3j.build(new HttpService("http://127.0.0.1:" + port));
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (true) {
            try {
                web3j.ethChainId().send();
                return new Anvil(port, process, web3j);
            } catch (IOException e) {
                if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("anvil did not come up on port " + port + ", see " + log, e);
                }
                Thread.sleep(100);
            }
        }
    }

    /** @return the JSON-RPC URL */
    public String rpcUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** @return a client of the node */
    public Web3j web3j() {
        return web3j;
    }

    @Override
    public void close() throws InterruptedException {
        web3j.shutdown();
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** @return a port nothing listens on (just released) */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
