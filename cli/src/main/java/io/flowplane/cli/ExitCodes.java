package io.flowplane.cli;

/** The process exit codes, documented in docs/cli.md; scripts rely on them. */
public final class ExitCodes {
    public static final int OK = 0;
    /** The command failed (control plane unreachable, refused, not found, invalid input), or the watched run FAILED. */
    public static final int ERROR = 1;
    /** Wrong command line (picocli's default for usage errors). */
    public static final int USAGE = 2;
    /** The watched run ended CANCELLED. */
    public static final int CANCELLED = 3;
    /** The watched run ended CRASHED (its agent or process died). */
    public static final int CRASHED = 4;
    /** Interrupted by Ctrl-C (128 + SIGINT). */
    public static final int INTERRUPTED = 130;

    private ExitCodes() {
    }

    /** The exit code for a run that ended in {@code stateType}. */
    public static int forRunState(String stateType) {
        return switch (stateType) {
            case "COMPLETED" -> OK;
            case "CANCELLED" -> CANCELLED;
            case "CRASHED" -> CRASHED;
            default -> ERROR;
        };
    }
}
