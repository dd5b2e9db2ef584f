package io.wattwitness.simulator.source;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * The sun's position seen from a place on Earth, from the low-precision NOAA "general solar position"
 * series (fractional year, equation of time, declination, hour angle); accurate to about a quarter of a degree,
 * which is plenty for simulated production.
 *
 * @param declinationDeg solar declination in degrees (−23.44 .. +23.44)
 * @param equationOfTimeMin equation of time in minutes (apparent minus mean solar time)
 * @param hourAngleDeg hour angle in degrees, 0 at local solar noon, negative in the morning
 * @param elevationDeg elevation above the horizon in degrees, negative at night
 */
public record SunPosition(double declinationDeg, double equationOfTimeMin, double hourAngleDeg, double elevationDeg) {

    /**
     * Computes the sun's position.
     *
     * @param latitudeDeg latitude in degrees, north positive, −90..90
     * @param longitudeDeg longitude in degrees, east positive, −180..180
     * @param time the instant (UTC)
     * @return the position
     * @throws IllegalArgumentException when latitude or longitude is out of range
     */
    public static SunPosition at(double latitudeDeg, double longitudeDeg, Instant time) {
        if (!(latitudeDeg >= -90 && latitudeDeg <= 90)) {
            throw new IllegalArgumentException("latitude must be within -90..90 degrees: " + latitudeDeg);
        }
        if (!(longitudeDeg >= -180 && longitudeDeg <= 180)) {
            throw new IllegalArgumentException("longitude must be within -180..180 degrees: " + longitudeDeg);
        }
        ZonedDateTime utc = time.atZone(ZoneOffset.UTC);
        double minutes = utc.getHour() * 60 + utc.getMinute() + (utc.getSecond() + utc.getNano() / 1e9) / 60.0;
        double daysInYear = utc.toLocalDate().isLeapYear() ? 366 : 365;
        double gamma = 2 * Math.PI / daysInYear * (utc.getDayOfYear() - 1 + (minutes / 60.0 - 12) / 24);

        double equationOfTime = 229.18 * (0.000075 + 0.001868 * Math.cos(gamma) - 0.032077 * Math.sin(gamma)
                - 0.014615 * Math.cos(2 * gamma) - 0.040849 * Math.sin(2 * gamma));
        double declination = 0.006918 - 0.399912 * Math.cos(gamma) + 0.070257 * Math.sin(gamma)
                - 0.006758 * Math.cos(2 * gamma) + 0.000907 * Math.sin(2 * gamma)
                - 0.002697 * Math.cos(3 * gamma) + 0.00148 * Math.sin(3 * gamma);

        double trueSolarMinutes = minutes + equationOfTime + 4 * longitudeDeg;
        double hourAngle = trueSolarMinutes / 4 - 180;
        hourAngle = ((hourAngle + 180) % 360 + 360) % 360 - 180;

        double latitude = Math.toRadians(latitudeDeg);
        double cosZenith = Math.sin(latitude) * Math.sin(declination)
                + Math.cos(latitude) * Math.cos(declination) * Math.cos(Math.toRadians(hourAngle));
        double elevation = 90 - Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, cosZenith))));
        return new SunPosition(Math.toDegrees(declination), equationOfTime, hourAngle, elevation);
    }

    /** @return whether the sun is above the horizon */
    public boolean isUp() {
        return elevationDeg > 0;
    }
}
