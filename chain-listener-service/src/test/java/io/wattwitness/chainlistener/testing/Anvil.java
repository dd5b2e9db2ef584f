package io.wattwitness.chainlistener.testing;

import java.io.IOException;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.http.HttpService;

/**
 * A real anvil node (npm @foundry-rs/anvil from contracts/node_modules) on a free port, started with
 * {@code --hardfork osaka --chain-id 43113}. Its state is dumped on stop and loaded on restart, so a stop/start is an
 * RPC outage that keeps the chain.
 */
public final class Anvil implements AutoCloseable {

    /** anvil's first development account (deployer, owner, transmitter). */
    public static final String DEV_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    public static final long CHAIN_ID = 43113;

    private final int port;
    private final Path state;
    private final Path log;
    private Process process;
    private Web3j web3j;
    private HttpService http;

    private Anvil(int port, Path state, Path log) {
        this.port = port;
        this.state = state;
        this.log = log;
    }

    /** Starts anvil on a free port. */
    public static Anvil start() {
        try {
            Path dir = Files.createTempDirectory("anvil-listener");
            Anvil anvil = new Anvil(freePort(), dir.resolve("state.json"), dir.resolve("anvil.log"));
            anvil.launch(false);
            return anvil;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start anvil", e);
        }
    }

    public String rpcUrl() {
        return "http://127.0.0.1:" + port;
    }

    public Web3j web3j() {
        return web3j;
    }

    /** Stops the node (its state is dumped); JSON-RPC calls fail until {@link #restart()}. */
    public void stop() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping anvil", e);
        }
        web3j.shutdown();
    }

    /** Starts the node again on the same port with the dumped state. */
    public void restart() {
        if (!Files.isRegularFile(state)) {
            throw new IllegalStateException("anvil did not dump its state to " + state);
        }
        launch(true);
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            stop();
        }
    }

    /** The canonical block hash at a number. */
    public String blockHash(long number) {
        try {
            EthBlock.Block block = web3j.ethGetBlockByNumber(
                    DefaultBlockParameter.valueOf(BigInteger.valueOf(number)), false)
                    .send().getBlock();
            return block.getHash();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Mines {@code count} empty blocks (anvil_mine). */
    public void mine(int count) {
        call("anvil_mine", List.of("0x" + Integer.toHexString(count)));
    }

    /** evm_snapshot: id of the current state. */
    public String snapshot() {
        return String.valueOf(call("evm_snapshot", List.of()));
    }

    /** evm_revert to a snapshot: the blocks after it leave the chain. */
    public void revert(String snapshotId) {
        Object reverted = call("evm_revert", List.of(snapshotId));
        if (!Boolean.TRUE.equals(reverted)) {
            throw new IllegalStateException("evm_revert(" + snapshotId + ") returned " + reverted);
        }
    }

    private Object call(String method, List<?> params) {
        try {
            RawResponse response = new Request<>(method, params, http, RawResponse.class).send();
            if (response.hasError()) {
                throw new IllegalStateException(method + ": " + response.getError().getMessage());
            }
            return response.getResult();
        } catch (IOException e) {
            throw new IllegalStateException(method + " failed", e);
        }
    }

    private void launch(boolean loadState) {
        Path contracts = ContractArtifacts.contractsDir();
        Path binary = contracts.resolve("node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil");
        if (!Files.isExecutable(binary)) {
            // the npm launcher starts the platform binary as a child process
            binary = contracts.resolve("node_modules/.bin/anvil");
        }
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--hardfork", "osaka",
                "--chain-id", String.valueOf(CHAIN_ID), "--host", "127.0.0.1", "--port", String.valueOf(port),
                "--dump-state", state.toString()));
        if (loadState) {
            command.add("--load-state");
            command.add(state.toString());
        }
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + binary + " (npm ci in contracts/)", e);
        }
        http = new HttpService(rpcUrl());
        web3j = Web3j.build(http);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (true) {
            try {
                web3j.ethChainId().send();
                return;
            } catch (IOException e) {
                if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("anvil did not come up on port " + port + ", see " + log, e);
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(interrupted);
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Any JSON-RPC result. */
    public static final class RawResponse extends Response<Object> {
    }
}
