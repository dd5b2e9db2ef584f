package io.wattwitness.verifier.service;

/** The chain's JSON-RPC or the API could not be reached or answered with an error. Exit code 3
 *  ({@link ExitCode#NETWORK}). */
public class ChainException extends Exception {

    private static final long serialVersionUID = 1L;

    /** @param message what failed @param cause the underlying error or null */
    public ChainException(String message, Throwable cause) {
        super(message, cause);
    }
}
