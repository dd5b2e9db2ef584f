package io.wattwitness.reading;

/**
 * Bits of the {@code flags} field (SPEC.md §2, offset 50, uint16). Bits 3–15 are reserved and must be 0.
 */
public final class ReadingFlags {

    /** Bit 0: the device clock was synchronised (SNTP) when the reading was taken. */
    public static final int CLOCK_SYNCED = 1;
    /** Bit 1: the meter's energy register restarted since the previous reading (power loss, reset). */
    public static final int REGISTER_RESTARTED = 1 << 1;
    /** Bit 2: first reading after the device booted ({@code seq} is then 0). */
    public static final int FIRST_AFTER_BOOT = 1 << 2;
    /** All defined bits. */
    public static final int DEFINED = CLOCK_SYNCED | REGISTER_RESTARTED | FIRST_AFTER_BOOT;

    private ReadingFlags() {
    }

    /**
     * @param flags a flags value
     * @param bit one of the constants
     * @return whether that bit is set
     */
    public static boolean isSet(int flags, int bit) {
        return (flags & bit) != 0;
    }
}
