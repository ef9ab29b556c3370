package io.flowplane.controlplane.store;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class InListsTest {
    @Test
    void padsToAPowerOfTwoWithTheLastValueAndKeepsTheValues() {
        assertThat(InLists.padded(List.of())).isEmpty();
        assertThat(InLists.padded(List.of("a"))).containsExactly("a");
        assertThat(InLists.padded(List.of("a", "b", "c"))).containsExactly("a", "b", "c", "c");
        assertThat(InLists.padded(List.of(1, 2, 3, 4))).containsExactly(1, 2, 3, 4);
        List<Integer> hundred = java.util.stream.IntStream.range(0, 100).boxed().toList();
        assertThat(InLists.padded(hundred)).hasSize(128).startsWith(hundred.toArray(Integer[]::new))
                .containsOnlyElementsOf(hundred);
    }
}
