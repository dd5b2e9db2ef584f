package io.wattwitness.verifier.cli;

import io.wattwitness.verifier.service.InputException;
import java.nio.file.Path;

/**
 * The command line, parsed: {@code --bundle FILE} or {@code --api URL --batch ID --reading ID}, plus
 * {@code --rpc URL --contract 0x…} (both required).
 *
 * @param bundle bundle file or null
 * @param api API base URL or null
 * @param batchId batch id for the API mode, or -1
 * @param readingId reading id for the API mode, or -1
 * @param rpc JSON-RPC URL
 * @param contract anchor contract address, 0x + 40 hex
 */
public record Arguments(Path bundle, String api, long batchId, long readingId, String rpc, String contract) {

    /** The usage text printed with every usage error. */
    public static final String USAGE = String.join(System.lineSeparator(),
            "usage: java -jar wattwitness-verifier.jar --rpc URL --contract 0xADDRESS",
            "         (--bundle FILE | --api URL --batch ID --reading ID)",
            "  --bundle FILE     proof bundle: the JSON of GET /api/v1/batches/{id}/proof/{reading_id}",
            "  --api URL         fetch the bundle from this WattWitness API instead",
            "  --batch ID        batch id (with --api)",
            "  --reading ID      reading id (with --api)",
            "  --rpc URL         JSON-RPC URL of the chain the contract lives on",
            "  --contract 0x...  the WattWitnessAnchor address (your choice; never taken from the API)",
            "exit codes: 0 proven, 1 not proven, 2 usage or input error, 3 network or RPC error");

    /**
     * @param args the command line
     * @return the parsed arguments
     * @throws InputException an unknown, repeated or missing option, a bad value, or both input modes
     */
    public static Arguments parse(String[] args) throws InputException {
        String bundle = null;
        String api = null;
        String batch = null;
        String reading = null;
        String rpc = null;
        String contract = null;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (i + 1 >= args.length) {
                throw new InputException(option + ": missing value");
            }
            String value = args[++i];
            switch (option) {
                case "--bundle" -> bundle = once(option, bundle, value);
                case "--api" -> api = once(option, api, value);
                case "--batch" -> batch = once(option, batch, value);
                case "--reading" -> reading = once(option, reading, value);
                case "--rpc" -> rpc = once(option, rpc, value);
                case "--contract" -> contract = once(option, contract, value);
                default -> throw new InputException("unknown option " + option);
            }
        }
        if (rpc == null) {
            throw new InputException("--rpc is required");
        }
        if (contract == null) {
            throw new InputException("--contract is required (the anchor address is your choice)");
        }
        if (!contract.matches("0[xX][0-9a-fA-F]{40}")) {
            throw new InputException("--contract " + contract + ": expected 0x and 40 hex digits");
        }
        if ((bundle == null) == (api == null)) {
            throw new InputException("give either --bundle FILE or --api URL with --batch and --reading");
        }
        if (bundle != null) {
            if (batch != null || reading != null) {
                throw new InputException("--batch and --reading go with --api, not with --bundle");
            }
            return new Arguments(Path.of(bundle), null, -1, -1, rpc, contract);
        }
        if (batch == null || reading == null) {
            throw new InputException("--api needs --batch ID and --reading ID");
        }
        return new Arguments(null, api, id("--batch", batch), id("--reading", reading), rpc, contract);
    }

    private static String once(String option, String previous, String value) throws InputException {
        if (previous != null) {
            throw new InputException(option + " given twice");
        }
        return value;
    }

    private static long id(String option, String value) throws InputException {
        try {
            long id = Long.parseLong(value);
            if (id < 1) {
                throw new NumberFormatException();
            }
            return id;
        } catch (NumberFormatException e) {
            throw new InputException(option + " " + value + ": expected a positive integer");
        }
    }
}
