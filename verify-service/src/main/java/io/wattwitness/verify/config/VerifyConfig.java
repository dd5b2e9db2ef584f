package io.wattwitness.verify.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.time.Instant;

/** Rule limits and tuning of verify-service ({@code wattwitness.verify.*}, env overrides in application.properties). */
@ConfigMapping(prefix = "wattwitness.verify")
public interface VerifyConfig {

    /** @return how far a reading time may be ahead of its receive time (default 5 minutes) */
    @WithDefault("PT5M")
    Duration maxClockAhead();

    /** @return how old a reading may be at receive time (default 72 hours) */
    @WithDefault("PT72H")
    Duration maxAge();

    /** @return earliest acceptable reading time (default 2024-01-01T00:00:00Z) */
    @WithDefault("2024-01-01T00:00:00Z")
    Instant earliest();

    /** @return how long a registered key stays cached before it is re-read (misses always go to the database) */
    @WithDefault("PT60S")
    Duration keyCacheTtl();

    /** @return first back-off while the database is unreachable */
    @WithDefault("PT0.2S")
    Duration retryInitialBackoff();

    /** @return longest back-off while the database is unreachable */
    @WithDefault("PT10S")
    Duration retryMaxBackoff();
}
