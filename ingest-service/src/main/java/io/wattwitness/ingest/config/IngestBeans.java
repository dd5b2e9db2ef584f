package io.wattwitness.ingest.config;

import io.wattwitness.ingest.service.AckRecordChecker;
import io.wattwitness.ingest.service.DeviceTopics;
import io.wattwitness.ingest.service.EnvelopeChecker;
import io.wattwitness.ingest.service.StatusChecker;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Produces the plain-Java rule objects of the service package from configuration. */
@Singleton
public class IngestBeans {

    /**
     * @param config ingest settings
     * @return the envelope checker with the configured size limit
     */
    @Produces
    @Singleton
    EnvelopeChecker envelopeChecker(IngestConfig config) {
        return new EnvelopeChecker(config.limits().maxPayloadBytes());
    }

    /**
     * @param config ingest settings
     * @return the status checker with the configured size limit
     */
    @Produces
    @Singleton
    StatusChecker statusChecker(IngestConfig config) {
        return new StatusChecker(config.limits().maxPayloadBytes());
    }

    /**
     * @param config ingest settings
     * @return the device topics under the configured root
     */
    @Produces
    @Singleton
    DeviceTopics deviceTopics(IngestConfig config) {
        return new DeviceTopics(config.mqtt().topicRoot());
    }

    /**
     * @param config ingest settings
     * @return the checker of {@code devices.acks} records with the configured size limit
     */
    @Produces
    @Singleton
    AckRecordChecker ackRecordChecker(IngestConfig config) {
        return new AckRecordChecker(config.acks().maxValueBytes());
    }
}
