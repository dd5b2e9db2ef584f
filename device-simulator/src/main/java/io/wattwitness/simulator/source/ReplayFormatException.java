package io.wattwitness.simulator.source;

import java.nio.file.Path;

/** A replay CSV file that cannot be used, with the file and line (1-based, header = line 1) at fault. */
public class ReplayFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * @param file the CSV file
     * @param line the 1-based line number, or 0 when the problem concerns the whole file
     * @param message what is wrong
     */
    public ReplayFormatException(Path file, int line, String message) {
        super(file + (line > 0 ? ":" + line : "") + ": " + message);
    }
}
