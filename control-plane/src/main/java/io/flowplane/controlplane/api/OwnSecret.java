package io.flowplane.controlplane.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A REST method that authenticates its caller by a secret of its own instead of an API key (an
 * inbound webhook: the external system holds that webhook's secret, never a Flowplane key). The
 * method must check the secret itself and answer 401 when it is wrong or missing.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OwnSecret {
}
