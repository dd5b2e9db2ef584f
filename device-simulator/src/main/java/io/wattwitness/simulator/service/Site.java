package io.wattwitness.simulator.service;

import java.time.ZoneId;

/**
 * Defaults from which new devices get their {@link Installation}: device {@code i} sits at
 * (latitude + 0.01·i, longitude + 0.01·i) with the given capacity and time zone. The default site is NREL's
 * campus in Golden, Colorado, where the SERF power series that the replay tests use was measured, so that a replayed
 * SERF file and the solar model describe the same place.
 *
 * @param namePrefix installation names are {@code <prefix> <i> (<first 6 hex of device id>)}
 * @param latitudeDeg latitude of device 0, degrees north
 * @param longitudeDeg longitude of device 0, degrees east
 * @param timezone IANA zone
 * @param capacityW nameplate capacity in watts
 */
public record Site(String namePrefix, double latitudeDeg, double longitudeDeg, ZoneId timezone, double capacityW) {

    /** Golden, Colorado, 5 kW. */
    public static final Site DEFAULT = new Site("Simulated PV", 39.742, -105.179, ZoneId.of("America/Denver"), 5000);
}
