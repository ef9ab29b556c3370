package io.flowplane.controlplane.store;

import java.util.Locale;

/** The databases the store runs on. Everything SQL that differs between them keys off this. */
public enum Dialect {
    H2("h2"), POSTGRESQL("postgresql");

    private final String migrationFolder;

    Dialect(String migrationFolder) {
        this.migrationFolder = migrationFolder;
    }

    public String migrationFolder() {
        return migrationFolder;
    }

    public static Dialect fromUrl(String jdbcUrl) {
        String url = jdbcUrl.toLowerCase(Locale.ROOT);
        if (url.startsWith("jdbc:h2:")) {
            return H2;
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        throw new IllegalArgumentException("unsupported database URL " + jdbcUrl + " (use jdbc:h2: or jdbc:postgresql:)");
    }
}
