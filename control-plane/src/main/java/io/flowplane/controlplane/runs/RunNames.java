package io.flowplane.controlplane.runs;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Friendly run names ("brisk-otter") that are easier to say than a UUID. */
final class RunNames {
    private static final List<String> ADJECTIVES = List.of("amber", "bold", "brisk", "calm", "clever", "crisp",
            "daring", "eager", "fancy", "gentle", "golden", "happy", "jolly", "keen", "lively", "lucky", "mellow",
            "nimble", "proud", "quiet", "rapid", "silver", "steady", "swift", "tidy", "vivid", "witty", "zesty");
    private static final List<String> NOUNS = List.of("badger", "beaver", "condor", "falcon", "ferret", "gecko",
            "heron", "ibis", "jackal", "koala", "lemur", "lynx", "marten", "newt", "ocelot", "otter", "panda",
            "puffin", "quokka", "raven", "salmon", "tapir", "toucan", "walrus", "wombat", "yak", "zebra");

    private RunNames() {
    }

    static String next() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return ADJECTIVES.get(r.nextInt(ADJECTIVES.size())) + "-" + NOUNS.get(r.nextInt(NOUNS.size()));
    }
}
