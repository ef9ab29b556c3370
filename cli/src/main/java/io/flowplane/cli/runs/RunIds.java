package io.flowplane.cli.runs;

import io.flowplane.cli.CliException;
import io.flowplane.cli.ExitCodes;

import java.util.UUID;

/** Run ids as users paste them. */
final class RunIds {
    private RunIds() {
    }

    static UUID parse(String id) {
        try {
            return UUID.fromString(id.trim());
        } catch (IllegalArgumentException e) {
            throw new CliException("'" + id + "' is not a run id — take the ID column of `flowplane runs ls`",
                    ExitCodes.USAGE, e);
        }
    }
}
