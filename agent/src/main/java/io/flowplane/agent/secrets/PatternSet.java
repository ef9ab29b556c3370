package io.flowplane.agent.secrets;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds where any of a fixed set of strings occurs in a text in one pass (Aho-Corasick), however
 * many strings there are: a run's secrets times their encodings are dozens of patterns, and every
 * output line goes through here. No library for this resolves in the project's registries, so it is
 * the textbook automaton: a trie with failure links, each state knowing the longest pattern ending there.
 */
final class PatternSet {
    /** Per state: transitions (sorted keys and their targets), failure link, longest pattern ending here. */
    private final char[][] keys;
    private final int[][] targets;
    private final int[] fail;
    private final int[] longest;

    PatternSet(Collection<String> patterns) {
        List<Map<Character, Integer>> trie = new ArrayList<>();
        List<Integer> ends = new ArrayList<>();
        trie.add(new HashMap<>());
        ends.add(0);
        for (String p : patterns) {
            if (p.isEmpty()) {
                continue;
            }
            int state = 0;
            for (int i = 0; i < p.length(); i++) {
                Integer next = trie.get(state).get(p.charAt(i));
                if (next == null) {
                    next = trie.size();
                    trie.add(new HashMap<>());
                    ends.add(0);
                    trie.get(state).put(p.charAt(i), next);
                }
                state = next;
            }
            ends.set(state, Math.max(ends.get(state), p.length()));
        }
        int n = trie.size();
        keys = new char[n][];
        targets = new int[n][];
        fail = new int[n];
        longest = new int[n];
        for (int s = 0; s < n; s++) {
            Character[] ks = trie.get(s).keySet().toArray(new Character[0]);
            Arrays.sort(ks);
            keys[s] = new char[ks.length];
            targets[s] = new int[ks.length];
            for (int i = 0; i < ks.length; i++) {
                keys[s][i] = ks[i];
                targets[s][i] = trie.get(s).get(ks[i]);
            }
            longest[s] = ends.get(s);
        }
        // Breadth first: a state's failure target is shallower, so it is final when the state is reached.
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int t : targets[0]) {
            queue.add(t);
        }
        while (!queue.isEmpty()) {
            int s = queue.poll();
            longest[s] = Math.max(longest[s], longest[fail[s]]);
            for (int i = 0; i < keys[s].length; i++) {
                int child = targets[s][i];
                int f = fail[s];
                int via;
                while ((via = step(f, keys[s][i])) < 0 && f != 0) {
                    f = fail[f];
                }
                fail[child] = via < 0 ? 0 : via;
                queue.add(child);
            }
        }
    }

    boolean isEmpty() {
        return keys[0].length == 0;
    }

    /**
     * Which characters of {@code text} lie inside an occurrence of some pattern, as sorted,
     * disjoint [start, end) spans; overlapping and touching occurrences merge into one span.
     */
    List<int[]> spans(CharSequence text) {
        List<int[]> out = new ArrayList<>();
        int state = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int next;
            while ((next = step(state, c)) < 0 && state != 0) {
                state = fail[state];
            }
            state = next < 0 ? 0 : next;
            if (longest[state] > 0) {
                int start = i + 1 - longest[state];
                // A longer occurrence ending here may cover spans found before it.
                while (!out.isEmpty() && start <= out.get(out.size() - 1)[1]) {
                    start = Math.min(start, out.remove(out.size() - 1)[0]);
                }
                out.add(new int[]{start, i + 1});
            }
        }
        return out;
    }

    private int step(int state, char c) {
        int i = Arrays.binarySearch(keys[state], c);
        return i < 0 ? -1 : targets[state][i];
    }
}
