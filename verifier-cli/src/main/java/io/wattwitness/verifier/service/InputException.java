package io.wattwitness.verifier.service;

/** Bad input from the user: an unreadable or malformed bundle, a missing option, no anchor contract at the address.
 *  Exit code 2 ({@link ExitCode#INPUT}). */
public class InputException extends Exception {

    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, for the user */
    public InputException(String message) {
        super(message);
    }
}
