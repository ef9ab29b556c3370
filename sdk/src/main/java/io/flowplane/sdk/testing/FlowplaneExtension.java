package io.flowplane.sdk.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * {@code @ExtendWith(FlowplaneExtension.class)}: test methods (and constructors) may take a
 * {@link FlowTester}; each test gets a fresh one with its own result directory, closed and
 * deleted after the test.
 */
public final class FlowplaneExtension implements ParameterResolver, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(FlowplaneExtension.class);

    private record Resources(FlowTester tester, Path dir) {
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
        return p.getParameter().getType() == FlowTester.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext c) {
        return c.getStore(NS).getOrComputeIfAbsent("tester", k -> {
            try {
                Path dir = Files.createTempDirectory("flowplane-test-results");
                return new Resources(new FlowTester(dir), dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, Resources.class).tester();
    }

    @Override
    public void afterEach(ExtensionContext c) throws IOException {
        Resources r = c.getStore(NS).remove("tester", Resources.class);
        if (r == null) {
            return;
        }
        r.tester().close();
        try (Stream<Path> files = Files.walk(r.dir())) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
