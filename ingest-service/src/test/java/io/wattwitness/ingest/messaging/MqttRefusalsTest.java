package io.wattwitness.ingest.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.vertx.mqtt.MqttConnectionException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class MqttRefusalsTest {

    @Test
    void namesTheConnackReturnCode() {
        MqttConnectionException notAuthorized = new MqttConnectionException(
                MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
        assertEquals("not_authorized", MqttRefusals.reason(notAuthorized));
        assertEquals("not authorized (CONNACK return code 5)", MqttRefusals.describe(notAuthorized));
        MqttConnectionException badPassword = new MqttConnectionException(
                MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD);
        assertEquals("bad user name or password (CONNACK return code 4)", MqttRefusals.describe(badPassword));
    }

    @Test
    void aNetworkErrorIsNoRefusal() {
        assertNull(MqttRefusals.reason(new ConnectException("Connection refused")));
    }
}
