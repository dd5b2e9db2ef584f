package io.wattwitness.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The chain side of the local stack: anvil (Osaka rules, chain id 43113 like Avalanche Fuji), the anchoring
 * contract and its local forwarder (deployed by {@code contracts/workflow/local/cli.ts}), the on-chain
 * registration of the API's installations, and the local CRE workflow runner.
 */
public final class ChainStack {

    private static final Logger LOG = Logger.getLogger(ChainStack.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StackLayout layout;
    private final Path contracts;
    private final String deploymentFile;

    /**
     * A deployed anchoring contract.
     *
     * @param anchor WattWitnessAnchor address
     * @param forwarder LocalForwarder address
     */
    public record Deployment(String anchor, String forwarder) {
    }

    /**
     * Forgets a saved chain and its deployment (used by {@code --fresh}).
     *
     * @param layout the stack's layout
     * @throws IOException if a file cannot be deleted
     */
    public static void forget(StackLayout layout) throws IOException {
        Files.deleteIfExists(layout.root().resolve("contracts/deployments/local-stack.json"));
    }

    /** @param layout the stack's layout */
    public ChainStack(StackLayout layout) {
        this.layout = layout;
        this.contracts = layout.root().resolve("contracts");
        this.deploymentFile = "deployments/local-stack.json";
    }

    /**
     * Starts anvil (its chain kept in {@code state/anvil-state.json} across restarts) and deploys the contracts
     * unless that chain already holds them.
     *
     * @param processes where the anvil process is recorded, so that Ctrl-C stops it
     * @return the deployment
     * @throws IOException if anvil or the deployment fails
     * @throws InterruptedException if interrupted
     */
    public Deployment startAndDeploy(List<ManagedProcess> processes) throws IOException, InterruptedException {
        Path anvil = contracts.resolve("node_modules/.bin/anvil");
        if (!Files.isExecutable(anvil)) {
            throw new IllegalStateException(anvil + " is missing: run `npm ci` in contracts/ (deploy/local/run.sh does)");
        }
        ManagedProcess process = ManagedProcess.start("anvil", List.of(anvil.toString(), "--hardfork", "osaka",
                "--chain-id", "43113", "--port", Integer.toString(layout.anvilPort()), "--host", "127.0.0.1",
                "--state", layout.state().resolve("anvil-state.json").toString(), "--state-interval", "10"),
                Map.of(), contracts, layout.logs());
        processes.add(process);
        Probes.await("anvil JSON-RPC on " + layout.rpcUrl(), Duration.ofSeconds(60),
                () -> Probes.tcpOpen("127.0.0.1", layout.anvilPort()));
        Path deploymentJson = contracts.resolve(deploymentFile);
        JsonNode deployed;
        if (Files.exists(layout.state().resolve("anvil-state.json")) && Files.exists(deploymentJson)) {
            deployed = JSON.readTree(deploymentJson.toFile());
            LOG.info("contracts already deployed on the saved chain");
        } else {
            deployed = JSON.readTree(bun("deploy", List.of("workflow/local/cli.ts", "deploy", layout.rpcUrl(),
                    deploymentFile)));
        }
        return new Deployment(deployed.get("anchor").asText(), deployed.get("forwarder").asText());
    }

    /**
     * Waits until the API lists the simulated installations, then registers their device keys on chain.
     *
     * @param expected how many installations the simulator registers
     * @throws IOException if the registration fails
     * @throws InterruptedException if interrupted
     */
    public void registerInstallationsWhenPresent(int expected) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        Probes.await(expected + " installations in the API", Duration.ofSeconds(120), () -> {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create(layout.apiUrl() + "/api/v1/installations/")).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                return response.statusCode() == 200 && JSON.readTree(response.body()).size() >= expected;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        bun("register", List.of("workflow/local/cli.ts", "register", layout.rpcUrl(), deploymentFile,
                layout.apiUrl()));
        LOG.info("installations registered on chain");
    }

    /**
     * Starts the local CRE workflow runner on a cron schedule.
     *
     * @param deployment the deployed contracts
     * @param schedule six-field cron (seconds first)
     * @return the runner process
     * @throws IOException if it cannot start
     * @throws InterruptedException if interrupted
     */
    public ManagedProcess startWorkflowRunner(Deployment deployment, String schedule)
            throws IOException, InterruptedException {
        Map<String, Object> config = new HashMap<>();
        config.put("schedule", schedule);
        config.put("apiBaseUrl", layout.apiUrl());
        config.put("chainSelectorName", "avalanche-testnet-fuji");
        config.put("anchorAddress", deployment.anchor());
        config.put("gasLimit", "500000");
        config.put("readFinalized", false);
        Path configFile = layout.state().resolve("runner-config.json");
        Files.writeString(configFile, JSON.writeValueAsString(config), StandardCharsets.UTF_8);
        JsonNode runnerEnv = JSON.readTree(bun("runner-env", List.of("workflow/local/cli.ts", "env", layout.rpcUrl(),
                deploymentFile, layout.apiUrl())));
        Map<String, String> env = new HashMap<>();
        runnerEnv.fields().forEachRemaining(field -> env.put(field.getKey(), field.getValue().asText()));
        env.put("RUNNER_CONFIG", configFile.toString());
        return ManagedProcess.start("workflow-runner",
                List.of(contracts.resolve("node_modules/.bin/bun").toString(), "workflow/local-runner.ts"),
                env, contracts, layout.logs());
    }

    private String bun(String step, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(contracts.resolve("node_modules/.bin/bun").toString());
        command.addAll(args);
        Path log = layout.logs().resolve("chain-" + step + ".log");
        Process process = new ProcessBuilder(command).directory(contracts.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(180, TimeUnit.SECONDS) || process.exitValue() != 0) {
            Files.writeString(log, out, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            throw new IOException("chain step '" + step + "' failed; see " + log);
        }
        Files.writeString(log, out, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        String[] lines = out.strip().split("\n");
        return lines[lines.length - 1];
    }
}
