package io.flowplane.cli;

import picocli.CommandLine.IVersionProvider;

/** `--version` on every command: the release and the Java it runs on. */
public final class Version implements IVersionProvider {
    public static final String VERSION = "0.1.0";

    @Override
    public String[] getVersion() {
        return new String[]{"flowplane " + VERSION,
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
    }
}
