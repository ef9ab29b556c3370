package io.flowplane.agent.source;

import io.flowplane.proto.v1.GitSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Fetches a commit with the machine's {@code git}: the ref is resolved with {@code ls-remote} on
 * every run (cheap, and how a moved branch is noticed); only a commit the cache lacks is fetched,
 * shallowly, into a fresh repository and checked out. Credentials travel in git's environment
 * (an {@code http.extraHeader} set through GIT_CONFIG_*), never on a command line other users of
 * the machine could read; git never prompts.
 */
final class GitFetcher {
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");
    private static final int MAX_ERROR_CHARS = 600;

    private final Map<String, String> environment;
    private final Duration timeout;

    GitFetcher(Map<String, String> environment, Duration timeout) {
        this.environment = environment;
        this.timeout = timeout;
    }

    FetchedCode fetch(GitSource source, String credentials, Path repo, CodeCache.Scratch scratch)
            throws FetchException, IOException {
        String url = source.getUrl();
        String ref = source.getRef().isEmpty() ? "HEAD" : source.getRef();
        String commit = COMMIT.matcher(ref).matches() ? ref : resolve(url, ref, credentials);
        Path cached = repo.resolve(commit);
        if (Files.isDirectory(cached)) {
            return new FetchedCode(cached, "git:" + commit, false);
        }
        Path tmp = scratch.create();
        try {
            Path work = tmp.resolve("checkout");
            git(credentials, tmp, "git", "init", "-q", work.toString());
            git(credentials, work, "git", "fetch", "-q", "--depth", "1", "--no-tags", url, commit.equals(ref) ? ref : commit);
            git(credentials, work, "git", "-c", "advice.detachedHead=false", "checkout", "-q", "--detach", "FETCH_HEAD");
            String head = git(credentials, work, "git", "rev-parse", "HEAD").trim();
            if (!head.equals(commit)) {
                throw new FetchException("git fetched commit " + head + " from " + url + " but " + ref
                        + " resolved to " + commit);
            }
            return new FetchedCode(CodeCache.publish(work, cached), "git:" + commit, true);
        } finally {
            CodeCache.deleteQuietly(tmp);
        }
    }

    /** The commit {@code ref} names in the remote: an exact ref name, else a branch, else a (peeled) tag. */
    private String resolve(String url, String ref, String credentials) throws FetchException, IOException {
        String out = git(credentials, null, "git", "ls-remote", "--", url, ref);
        Map<String, String> refs = new HashMap<>();
        for (String line : out.split("\n")) {
            int tab = line.indexOf('\t');
            if (tab > 0) {
                refs.put(line.substring(tab + 1).trim(), line.substring(0, tab).trim());
            }
        }
        for (String name : List.of(ref, "refs/heads/" + ref, "refs/tags/" + ref + "^{}", "refs/tags/" + ref)) {
            String commit = refs.get(name);
            if (commit != null) {
                return commit;
            }
        }
        throw new FetchException("git ref '" + ref + "' was not found in " + url);
    }

    /** Runs git; its output, or a FetchException with the end of what it printed. */
    private String git(String credentials, Path dir, String... command) throws FetchException, IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Map<String, String> env = pb.environment();
        env.clear();
        env.putAll(environment);
        env.put("GIT_TERMINAL_PROMPT", "0");
        env.put("GIT_SSH_COMMAND", env.getOrDefault("GIT_SSH_COMMAND", "ssh") + " -o BatchMode=yes");
        if (credentials != null) {
            String basic = Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
            env.put("GIT_CONFIG_COUNT", "1");
            env.put("GIT_CONFIG_KEY_0", "http.extraHeader");
            env.put("GIT_CONFIG_VALUE_0", "Authorization: Basic " + basic);
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new FetchException("could not run git (is it installed on the agent's machine?): " + e.getMessage());
        }
        p.getOutputStream().close();
        byte[] output;
        try {
            var reader = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return p.getInputStream().readAllBytes();
                } catch (IOException e) {
                    return new byte[0];
                }
            });
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new FetchException("git " + command[1] + " did not finish within " + timeout.toSeconds() + " s");
            }
            output = reader.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new FetchException("interrupted while running git " + command[1]);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            output = new byte[0];
        }
        String text = new String(output, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new FetchException("git " + String.join(" ", describe(command)) + " failed (exit code " + p.exitValue()
                    + "): " + tail(text));
        }
        return text;
    }

    private static List<String> describe(String[] command) {
        List<String> out = new ArrayList<>(List.of(command).subList(1, command.length));
        out.removeIf(a -> a.equals("-q") || a.equals("--"));
        return out;
    }

    private static String tail(String text) {
        String t = text.strip().replace('\n', ' ');
        return t.length() <= MAX_ERROR_CHARS ? t : "…" + t.substring(t.length() - MAX_ERROR_CHARS);
    }
}
