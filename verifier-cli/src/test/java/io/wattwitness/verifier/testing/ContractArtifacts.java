package io.wattwitness.verifier.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Creation bytecode from the forge artifacts of contracts/, built with {@code npx forge build} when missing. */
public final class ContractArtifacts {

    private ContractArtifacts() {
    }

    /** @return contracts/ (system property wattwitness.contracts.dir, set by the pom) */
    public static Path contractsDir() {
        return Path.of(System.getProperty("wattwitness.contracts.dir", "../contracts")).toAbsolutePath().normalize();
    }

    /** @return the creation bytecode of a contract in src/, 0x hex */
    public static synchronized String bytecode(String contract) throws IOException, InterruptedException {
        Path file = contractsDir().resolve("out").resolve(contract + ".sol").resolve(contract + ".json");
        if (!Files.isRegularFile(file)) {
            Path log = Files.createTempFile("forge-build", ".log");
            Process process = new ProcessBuilder("npx", "forge", "build").directory(contractsDir().toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("forge build failed:\n" + Files.readString(log));
            }
        }
        String hex = new ObjectMapper().readTree(file.toFile()).path("bytecode").path("object").asText();
        if (hex.isEmpty()) {
            throw new IllegalStateException("artifact of " + contract + " has no bytecode");
        }
        return hex.startsWith("0x") ? hex : "0x" + hex;
    }
}
