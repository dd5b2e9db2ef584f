package io.wattwitness.verifier.cli;

import io.wattwitness.verifier.service.BundleSource;
import io.wattwitness.verifier.service.ChainException;
import io.wattwitness.verifier.service.CheckResult;
import io.wattwitness.verifier.service.ExitCode;
import io.wattwitness.verifier.service.InputException;
import io.wattwitness.verifier.service.ProofBundle;
import io.wattwitness.verifier.service.ReadingCheck;
import io.wattwitness.verifier.service.Web3jAnchorChain;
import java.io.PrintStream;
import java.util.List;

/** Entry point of {@code wattwitness-verifier.jar}: checks one reading and exits with {@link ExitCode}. */
public final class VerifierMain {

    private VerifierMain() {
    }

    /** @param args see {@link Arguments#USAGE} */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the verifier without exiting the JVM.
     *
     * @param args the command line
     * @param out where the check lines go
     * @param err where usage, input and network errors go (one line, no stack trace)
     * @return the exit code (0 proven, 1 not proven, 2 usage or input error, 3 network or RPC error)
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Arguments arguments;
        try {
            arguments = Arguments.parse(args);
        } catch (InputException e) {
            err.println("error: " + e.getMessage());
            err.println(Arguments.USAGE);
            return ExitCode.INPUT;
        }
        try (Web3jAnchorChain chain = new Web3jAnchorChain(arguments.rpc(), arguments.contract())) {
            ProofBundle bundle = arguments.bundle() != null
                    ? BundleSource.file(arguments.bundle())
                    : BundleSource.api(arguments.api(), arguments.batchId(), arguments.readingId());
            out.println("reading " + (bundle.readingId() < 0 ? "(no id)" : bundle.readingId()) + " of batch "
                    + bundle.batchId() + ", contract " + arguments.contract() + " via " + arguments.rpc());
            chain.requireContract();
            List<CheckResult> results = new ReadingCheck(chain).run(bundle);
            results.forEach(result -> out.println(result.line()));
            int code = ExitCode.of(results);
            out.println(code == ExitCode.PROVEN ? "RESULT: the reading is proven" : "RESULT: the reading is NOT proven");
            return code;
        } catch (InputException e) {
            err.println("error: " + e.getMessage());
            return ExitCode.INPUT;
        } catch (ChainException e) {
            err.println("network error: " + e.getMessage());
            return ExitCode.NETWORK;
        } catch (RuntimeException e) {
            // an answer web3j could not read (e.g. a non-JSON-RPC body): still the endpoint's fault, no stack trace
            err.println("network error: unreadable answer: " + e);
            return ExitCode.NETWORK;
        }
    }
}
