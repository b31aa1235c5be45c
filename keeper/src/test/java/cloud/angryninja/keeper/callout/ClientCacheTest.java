package cloud.angryninja.keeper.callout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import cloud.angryninja.keeper.testing.Tier;

/** The per-key cache of REST clients, on stand-in clients that record being closed. */
@Tier.Unit
class ClientCacheTest {

    final AtomicInteger builds = new AtomicInteger();
    final List<String> closed = new ArrayList<>();

    /** A stand-in for a built REST client (they are {@link AutoCloseable}). */
    final class Built implements AutoCloseable {
        final String name;

        Built(String name) {
            this.name = name;
            builds.incrementAndGet();
        }

        @Override
        public void close() {
            closed.add(name);
        }
    }

    @Test
    void oneBuildPerKeyWhileItsSettingsStay() {
        ClientCache<String, Built> cache = new ClientCache<>(4);

        Built a = cache.get("a", "s1", () -> new Built("a1"));
        Built again = cache.get("a", "s1", () -> new Built("a2"));

        assertThat(again).isSameAs(a);
        assertThat(builds).hasValue(1);
        assertThat(closed).isEmpty();
    }

    @Test
    void changedSettingsBuildAgainAndCloseTheOldClient() {
        ClientCache<String, Built> cache = new ClientCache<>(4);
        cache.get("a", "s1", () -> new Built("a1"));

        Built next = cache.get("a", "s2", () -> new Built("a2"));

        assertThat(next.name).isEqualTo("a2");
        assertThat(closed).containsExactly("a1");
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void pastItsCapacityTheLeastRecentlyUsedIsClosed() {
        ClientCache<String, Built> cache = new ClientCache<>(2);
        cache.get("a", "s", () -> new Built("a"));
        cache.get("b", "s", () -> new Built("b"));
        cache.get("a", "s", () -> new Built("a-again")); // a is used again: b is now the oldest

        cache.get("c", "s", () -> new Built("c"));

        assertThat(closed).containsExactly("b");
        assertThat(cache.keys()).containsExactly("a", "c");
    }

    @Test
    void aRemovedClientIsClosed() {
        ClientCache<String, Built> cache = new ClientCache<>(2);
        cache.get("a", "s", () -> new Built("a"));

        cache.remove("a");
        cache.remove("never-built");

        assertThat(closed).containsExactly("a");
        assertThat(cache.size()).isZero();
    }
}
