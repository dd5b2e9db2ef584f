package io.wattwitness.query.rest;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The name {@link TypedParams} reports in the {@code field} of a 400 problem when it differs from the JAX-RS
 * parameter name (e.g. the {@code id} of {@code /api/v1/installations/{id}} is reported as {@code installation_id}).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface ParamName {

    /** @return the reported name */
    String value();
}
