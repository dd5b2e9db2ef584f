package io.wattwitness.chainlistener.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Forge build artifacts of contracts/ (ABI and creation bytecode). Builds them with {@code npx forge build} (offline,
 * solc-js, see contracts/foundry.toml) when they are missing.
 */
public final class ContractArtifacts {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ContractArtifacts() {
    }

    /** contracts/ (system property wattwitness.contracts.dir, set by the pom). */
    public static Path contractsDir() {
        return Path.of(System.getProperty("wattwitness.contracts.dir", "../contracts")).toAbsolutePath().normalize();
    }

    /** The artifact JSON of a contract in src/. */
    public static synchronized JsonNode artifact(String contract) {
        Path file = contractsDir().resolve("out").resolve(contract + ".sol").resolve(contract + ".json");
        if (!Files.isRegularFile(file)) {
            build();
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }

    /** Creation bytecode, "0x" hex. */
    public static String bytecode(String contract) {
        String hex = artifact(contract).path("bytecode").path("object").asText();
        if (hex.isEmpty()) {
            throw new IllegalStateException("artifact of " + contract + " has no bytecode");
        }
        return hex.startsWith("0x") ? hex : "0x" + hex;
    }

    private static void build() {
        Path dir = contractsDir();
        try {
            Path log = Files.createTempFile("forge-build", ".log");
            Process process = new ProcessBuilder("npx", "forge", "build")
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("forge build failed in " + dir + ":\n" + Files.readString(log));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run npx forge build in " + dir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building the contracts", e);
        }
    }
}
