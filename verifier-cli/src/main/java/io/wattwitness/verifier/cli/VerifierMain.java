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
     * @return the exit code (0 proven, 1 not proven, 2 usage or input error, 3 network or RPC error, 4 internal
     *         error)
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
        return guarded(err, () -> {
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
                out.println(code == ExitCode.PROVEN ? "RESULT: the reading is proven"
                        : "RESULT: the reading is NOT proven");
                return code;
            }
        });
    }

    /** The verification after parsing: returns an exit code or throws what {@link #guarded} maps. */
    interface Verification {
        int run() throws ChainException, InputException;
    }

    /**
     * Runs a verification and maps its errors to exit codes, each as one line on {@code err}: input errors 2,
     * network and RPC errors (unreachable, refused, malformed answers) 3, anything else (a defect of the verifier)
     * 4 ({@link ExitCode#INTERNAL}).
     *
     * @param err where the error line goes
     * @param verification the work
     * @return its exit code, or the error's
     */
    static int guarded(PrintStream err, Verification verification) {
        try {
            return verification.run();
        } catch (InputException e) {
            err.println("error: " + e.getMessage());
            return ExitCode.INPUT;
        } catch (ChainException e) {
            err.println("network error: " + e.getMessage());
            return ExitCode.NETWORK;
        } catch (RuntimeException e) {
            // not the network's nor the input's fault: a defect of the verifier, reported as such in one line
            err.println("internal error: " + e);
            return ExitCode.INTERNAL;
        }
    }
}
