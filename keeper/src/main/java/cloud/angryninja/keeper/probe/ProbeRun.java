package cloud.angryninja.keeper.probe;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What the probes of one run share: a cycle over every workspace, or one workspace probed now. A check that several
 * workspaces would make alike (a credential they share) is made once per run: the first asks, the others wait for
 * its answer.
 */
public final class ProbeRun {

    private final Map<String, CompletableFuture<Object>> once = new ConcurrentHashMap<>();

    /** The answer of {@code check} for {@code key} in this run, made at most once; what it throws is thrown to every caller. */
    @SuppressWarnings("unchecked")
    <T> T once(String key, Supplier<T> check) {
        CompletableFuture<Object> mine = new CompletableFuture<>();
        CompletableFuture<Object> first = once.putIfAbsent(key, mine);
        if (first != null) {
            return (T) first.join();
        }
        try {
            mine.complete(check.get());
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
        }
        return (T) mine.join();
    }

    /** How many distinct checks this run made. */
    int distinctChecks() {
        return once.size();
    }
}
