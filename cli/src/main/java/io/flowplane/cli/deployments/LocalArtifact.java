package io.flowplane.cli.deployments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowplane.cli.CliException;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The conveniences of a flowplane.yaml for an artifact source: a relative path becomes absolute
 * (the agent reads it as is, so it must see the same file system), and the sha256 the control
 * plane requires is computed from the local file when the file does not give it. The CLI reads the
 * file only to hash it; the bytes go nowhere.
 */
final class LocalArtifact {
    private static final Pattern HAS_SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:.*");

    private LocalArtifact() {
    }

    static void resolve(ObjectNode artifact, Path baseDir, String where) {
        JsonNode url = artifact.path("url");
        Path local = null;
        if (url.isTextual() && !url.asText().isBlank()) {
            String u = url.asText();
            if (!HAS_SCHEME.matcher(u).matches()) {
                local = baseDir.resolve(u).toAbsolutePath().normalize();
                artifact.put("url", local.toString());
            } else if (u.startsWith("file:")) {
                local = Path.of(URI.create(u));
            }
        }
        JsonNode of = artifact.remove("sha256Of");
        if (artifact.hasNonNull("sha256")) {
            return;
        }
        if (of != null && of.isTextual()) {
            artifact.put("sha256", sha256(baseDir.resolve(of.asText()).toAbsolutePath().normalize(), where + ".sha256Of"));
        } else if (local != null) {
            artifact.put("sha256", sha256(local, where + ".url"));
        }
    }

    private static String sha256(Path file, String where) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchFileException e) {
            throw new CliException(where + ": no file " + file + " to compute its sha256 — build it first "
                    + "(for a generated project: mvn -B verify), or give sha256");
        } catch (IOException e) {
            throw new CliException(where + ": cannot read " + file + ": " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
