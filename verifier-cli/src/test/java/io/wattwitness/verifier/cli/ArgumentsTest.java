package io.wattwitness.verifier.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.wattwitness.verifier.service.InputException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ArgumentsTest {

    private static final String CONTRACT = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

    @Test
    void parsesTheBundleMode() throws InputException {
        assertEquals(new Arguments(Path.of("proof.json"), null, -1, -1, "http://127.0.0.1:8545", CONTRACT),
                Arguments.parse(new String[] {"--bundle", "proof.json", "--rpc", "http://127.0.0.1:8545",
                    "--contract", CONTRACT}));
    }

    @Test
    void parsesTheApiMode() throws InputException {
        assertEquals(new Arguments(null, "http://127.0.0.1:8082", 3, 17, "http://rpc", CONTRACT),
                Arguments.parse(new String[] {"--contract", CONTRACT, "--api", "http://127.0.0.1:8082", "--batch",
                    "3", "--reading", "17", "--rpc", "http://rpc"}));
    }

    @Test
    void refusesMissingAndMalformedOptions() {
        assertEquals("--contract is required (the anchor address is your choice)",
                error("--bundle", "p.json", "--rpc", "http://rpc"));
        assertEquals("--rpc is required", error("--bundle", "p.json", "--contract", CONTRACT));
        assertEquals("--contract 0x12: expected 0x and 40 hex digits",
                error("--bundle", "p.json", "--rpc", "http://rpc", "--contract", "0x12"));
        assertEquals("give either --bundle FILE or --api URL with --batch and --reading",
                error("--rpc", "http://rpc", "--contract", CONTRACT));
        assertEquals("give either --bundle FILE or --api URL with --batch and --reading",
                error("--bundle", "p.json", "--api", "http://a", "--rpc", "http://rpc", "--contract", CONTRACT));
        assertEquals("--api needs --batch ID and --reading ID",
                error("--api", "http://a", "--batch", "3", "--rpc", "http://rpc", "--contract", CONTRACT));
        assertEquals("--reading x: expected a positive integer", error("--api", "http://a", "--batch", "3",
                "--reading", "x", "--rpc", "http://rpc", "--contract", CONTRACT));
        assertEquals("unknown option --verbose", error("--verbose", "yes"));
        assertEquals("--rpc: missing value", error("--bundle", "p.json", "--rpc"));
        assertEquals("--rpc given twice", error("--rpc", "a", "--rpc", "b"));
    }

    private static String error(String... args) {
        return assertThrows(InputException.class, () -> Arguments.parse(args)).getMessage();
    }
}
