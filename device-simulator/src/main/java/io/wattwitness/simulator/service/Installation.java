package io.wattwitness.simulator.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wattwitness.reading.DeviceKey;
import io.wattwitness.reading.Hex;
import java.time.ZoneId;

/**
 * What a device's installation looks like to the API (registration body of {@code POST /api/v1/installations/}).
 *
 * @param name human-readable installation name
 * @param meterMac the Shelly EM's MAC, low 48 bits (also the reading's meter_id)
 * @param latitudeDeg latitude, degrees north, −90..90
 * @param longitudeDeg longitude, degrees east, −180..180
 * @param timezone IANA zone of the site, e.g. {@code America/Denver}
 * @param capacityW nameplate capacity in watts, &gt; 0
 */
public record Installation(String name, long meterMac, double latitudeDeg, double longitudeDeg, ZoneId timezone,
        double capacityW) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** @throws IllegalArgumentException on an out-of-range field */
    public Installation {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("installation name must not be blank");
        }
        if (meterMac < 0 || meterMac > 0xFFFF_FFFF_FFFFL) {
            throw new IllegalArgumentException("meter MAC must fit in 48 bits");
        }
        if (!(latitudeDeg >= -90 && latitudeDeg <= 90) || !(longitudeDeg >= -180 && longitudeDeg <= 180)) {
            throw new IllegalArgumentException("latitude/longitude out of range: " + latitudeDeg + ", " + longitudeDeg);
        }
        if (!(capacityW > 0)) {
            throw new IllegalArgumentException("capacity_w must be positive: " + capacityW);
        }
    }

    /** @return the meter MAC as 12 lowercase hex digits */
    public String meterMacHex() {
        return Hex.ofMac(meterMac);
    }

    /**
     * The registration body: {@code {name, shelly_mac (12 hex), public_key (128 hex X‖Y), timezone, latitude,
     * longitude, capacity_w}}.
     *
     * @param key the device key
     * @return compact JSON
     */
    public String registrationJson(DeviceKey key) {
        ObjectNode node = JSON.createObjectNode();
        node.put("name", name);
        node.put("shelly_mac", meterMacHex());
        node.put("public_key", key.hex());
        node.put("timezone", timezone.getId());
        node.put("latitude", latitudeDeg);
        node.put("longitude", longitudeDeg);
        node.put("capacity_w", capacityW);
        return node.toString();
    }
}
