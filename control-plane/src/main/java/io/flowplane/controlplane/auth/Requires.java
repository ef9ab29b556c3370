package io.flowplane.controlplane.auth;

import io.flowplane.controlplane.model.Permission;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The permission a REST method needs. A method without it needs ADMIN (deny by default). */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Requires {
    Permission value();
}
