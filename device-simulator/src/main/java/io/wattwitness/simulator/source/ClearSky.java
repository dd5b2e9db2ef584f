package io.wattwitness.simulator.source;

/**
 * Clear-sky global horizontal irradiance from the Haurwitz model (Haurwitz 1945; as used by PVLIB):
 * GHI = 1098 · cos z · exp(−0.057 / cos z) W/m², zero when the sun is below the horizon.
 */
public final class ClearSky {

    private ClearSky() {
    }

    /**
     * @param elevationDeg solar elevation in degrees
     * @return global horizontal irradiance in W/m², ≥ 0 (about 1037 W/m² with the sun at the zenith)
     */
    public static double haurwitzGhi(double elevationDeg) {
        if (elevationDeg <= 0) {
            return 0;
        }
        double cosZenith = Math.sin(Math.toRadians(elevationDeg));
        return 1098 * cosZenith * Math.exp(-0.057 / cosZenith);
    }
}
