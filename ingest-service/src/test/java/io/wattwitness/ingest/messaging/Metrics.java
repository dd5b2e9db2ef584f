package io.wattwitness.ingest.messaging;

import static io.restassured.RestAssured.given;

/** Reads one sample of the Prometheus text at {@code /q/metrics}. */
final class Metrics {

    private Metrics() {
    }

    /**
     * @param series metric name with labels exactly as exposed, e.g.
     *        {@code ingest_readings_rejected_total{reason="malformed_json"}}
     * @return the sample value, 0 when the series is absent
     */
    static double value(String series) {
        String body = given().get("/q/metrics").then().statusCode(200).extract().asString();
        String name = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
        String labels = series.contains("{") ? series.substring(series.indexOf('{') + 1, series.length() - 1) : "";
        for (String line : body.split("\n")) {
            if (line.startsWith("#") || !line.startsWith(name)) {
                continue;
            }
            String key = line.substring(0, line.lastIndexOf(' '));
            boolean sameName = key.equals(name) || key.startsWith(name + "{");
            if (sameName && (labels.isEmpty() || key.contains(labels))) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }
}
