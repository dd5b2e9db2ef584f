package io.wattwitness.reading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MqttCredentialsTest {

    /** Expected value from {@code echo -n 0011223344556677 | openssl dgst -sha256 -hmac local-device-credential-secret}. */
    @Test
    void matchesOpensslHmac() {
        assertEquals("e842f05b51a758bf557821e548978239",
                MqttCredentials.devicePassword("local-device-credential-secret", "0011223344556677"));
    }

    @Test
    void differsPerDevice() {
        assertNotEquals(MqttCredentials.devicePassword("local-device-credential-secret", "0011223344556677"),
                MqttCredentials.devicePassword("local-device-credential-secret", "0011223344556678"));
    }

    @Test
    void refusesShortSecretsAndBadIds() {
        assertThrows(IllegalArgumentException.class, () -> MqttCredentials.devicePassword("short", "0011223344556677"));
        assertThrows(IllegalArgumentException.class,
                () -> MqttCredentials.devicePassword("local-device-credential-secret", "0011223344556G77"));
        assertThrows(IllegalArgumentException.class,
                () -> MqttCredentials.devicePassword("local-device-credential-secret", "00112233445566AA"));
    }
}
