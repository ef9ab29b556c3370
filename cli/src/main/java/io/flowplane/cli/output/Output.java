package io.flowplane.cli.output;

/** How a command prints its result: aligned columns for people, the server's JSON for scripts. */
public enum Output {
    TABLE, JSON
}
