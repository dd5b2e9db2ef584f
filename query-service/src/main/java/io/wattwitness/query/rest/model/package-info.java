/**
 * The JSON shapes of the query API {@code /api/v1} (request bodies and responses), one record each; member names are
 * written in snake_case by the configured Jackson naming strategy ({@code quarkus.jackson.property-naming-strategy}).
 * Services build and return these records; they carry no HTTP status and no behaviour.
 */
package io.wattwitness.query.rest.model;
