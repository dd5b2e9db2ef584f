package io.wattwitness.simulator.source;

import java.time.Instant;

/**
 * The default production source: a horizontal PV array under a clear sky ({@link ClearSky}) at the sun position of
 * its site ({@link SunPosition}), attenuated by random cloud passages ({@link CloudModel}).
 * Power = min(capacity, capacity · GHI / 1000 W/m² · derate · cloud transmittance); zero at night.
 */
public final class SolarModelSource implements ProductionSource {

    /** Losses between irradiance and AC output (inverter, wiring, temperature, soiling). */
    public static final double DEFAULT_DERATE = 0.85;

    private final double latitudeDeg;
    private final double longitudeDeg;
    private final double capacityW;
    private final double derate;
    private final CloudModel clouds;

    /**
     * @param latitudeDeg site latitude, degrees north
     * @param longitudeDeg site longitude, degrees east
     * @param capacityW nameplate AC capacity in watts, &gt; 0
     * @param derate system losses factor in (0, 1]
     * @param clouds the cloud passages, or null for a permanently clear sky
     * @throws IllegalArgumentException on non-positive capacity or derate out of range
     */
    public SolarModelSource(double latitudeDeg, double longitudeDeg, double capacityW, double derate,
            CloudModel clouds) {
        if (!(capacityW > 0)) {
            throw new IllegalArgumentException("capacity_w must be positive: " + capacityW);
        }
        if (!(derate > 0 && derate <= 1)) {
            throw new IllegalArgumentException("derate must be in (0, 1]: " + derate);
        }
        SunPosition.at(latitudeDeg, longitudeDeg, Instant.EPOCH);
        this.latitudeDeg = latitudeDeg;
        this.longitudeDeg = longitudeDeg;
        this.capacityW = capacityW;
        this.derate = derate;
        this.clouds = clouds;
    }

    @Override
    public double powerW(Instant time) {
        SunPosition sun = SunPosition.at(latitudeDeg, longitudeDeg, time);
        double ghi = ClearSky.haurwitzGhi(sun.elevationDeg());
        if (ghi <= 0) {
            return 0;
        }
        double transmittance = clouds == null ? 1 : clouds.transmittance(time);
        return Math.min(capacityW, capacityW * ghi / 1000 * derate * transmittance);
    }
}
