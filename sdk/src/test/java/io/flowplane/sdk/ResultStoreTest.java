package io.flowplane.sdk;

import io.flowplane.sdk.results.LocalResultStore;
import io.flowplane.sdk.results.ResultRef;
import io.flowplane.sdk.testing.FlowTester;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Results go to the local store; a run records only a file URI and the SHA-256 of the bytes. */
class ResultStoreTest {
    record Order(String id, double amount) {
    }

    record Empty() {
    }

    @TempDir
    Path dir;

    @Test
    void taskAndFlowResultsAreStoredAndReferencedByHash() throws Exception {
        Task<Integer, Order> make = Task.of("make", i -> new Order("o-" + i, i * 1.5));
        Task<Integer, Order> ephemeral = Task.<Integer, Order>of("ephemeral", i -> new Order("e", i)).persistResult(false);
        FlowRunResult<List<Order>> r;
        try (FlowTester t = new FlowTester(dir)) {
            r = t.run(Flow.of("orders", Empty.class, p -> List.of(make.call(1), make.call(1), make.call(2),
                    ephemeral.call(3))), new Empty());
        }
        ResultRef ref = r.taskRuns("make").get(0).resultRef();
        Path file = Path.of(URI.create(ref.uri()));
        assertThat(file).startsWith(dir.toAbsolutePath());
        byte[] bytes = Files.readAllBytes(file);
        assertThat(new String(bytes)).isEqualTo("{\"id\":\"o-1\",\"amount\":1.5}");
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        assertThat(ref.hash()).isEqualTo("sha256:" + sha);
        assertThat(r.taskRuns("make").get(1).resultRef()).as("equal results share one file").isEqualTo(ref);
        assertThat(r.taskRuns("make").get(2).resultRef()).isNotEqualTo(ref);
        assertThat(r.taskRun("ephemeral").resultRef()).isNull();
        assertThat(Files.readString(Path.of(URI.create(r.resultRef().uri())))).contains("o-2");
    }

    @Test
    void valuesAreReadableBeforeTheBackgroundWriteAndAfterIt() {
        try (LocalResultStore store = new LocalResultStore(dir)) {
            ResultRef ref = store.put("[1,2,3]".getBytes());
            assertThat(store.get(ref)).asString().isEqualTo("[1,2,3]");
            store.flush();
            assertThat(Path.of(URI.create(ref.uri()))).hasContent("[1,2,3]");
            assertThat(new LocalResultStore(dir).get(ref)).asString().isEqualTo("[1,2,3]");
        }
    }
}
