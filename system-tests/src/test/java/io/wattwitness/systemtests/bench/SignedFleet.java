package io.wattwitness.systemtests.bench;

import io.wattwitness.simulator.service.Emission;
import io.wattwitness.simulator.service.SimulatedDevice;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Devices with their readings already signed, ready to be published as fast as possible.
 *
 * @param devices the devices, registered
 * @param emissions each device's envelopes in sending order
 */
record SignedFleet(List<SimulatedDevice> devices, Map<SimulatedDevice, List<Emission>> emissions) {

    /** @return the device ids, sorted */
    Set<String> ids() {
        Set<String> ids = new TreeSet<>();
        devices.forEach(device -> ids.add(device.deviceIdHex()));
        return ids;
    }

    /** @return the number of envelopes of all devices */
    long size() {
        return emissions.values().stream().mapToLong(List::size).sum();
    }
}
