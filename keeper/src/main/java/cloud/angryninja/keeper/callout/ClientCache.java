package cloud.angryninja.keeper.callout;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * REST clients kept per key (a workspace, an API base URL), each built at its first use and built again when the
 * settings it was made from change (a discovered workspace's new URL or password). At most {@code capacity} clients
 * are kept, the least recently used goes first; a client that is replaced or dropped is closed.
 *
 * @param <K> what a client is kept for
 * @param <T> the REST client interface
 */
public final class ClientCache<K, T> {

    private record Entry<T>(Object settings, T client) {
    }

    private final int capacity;
    private final LinkedHashMap<K, Entry<T>> entries = new LinkedHashMap<>(16, 0.75f, true);

    public ClientCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
    }

    /**
     * The client for {@code key}: the kept one when it was built from equal {@code settings}, else a new one made by
     * {@code build} (which must build it from exactly those settings), kept in its place. The build runs outside the
     * lock, so a lookup never waits for another key's build; two threads that build for the same key and settings at
     * once keep the first and close the second.
     */
    public T get(K key, Object settings, Supplier<T> build) {
        synchronized (entries) {
            Entry<T> kept = entries.get(key);
            if (kept != null && Objects.equals(kept.settings(), settings)) {
                return kept.client();
            }
        }
        T built = build.get();
        List<Object> dropped = new ArrayList<>();
        T client;
        synchronized (entries) {
            Entry<T> kept = entries.get(key);
            if (kept != null && Objects.equals(kept.settings(), settings)) {
                client = kept.client(); // built meanwhile by another thread
                dropped.add(built);
            } else {
                client = built;
                Entry<T> replaced = entries.put(key, new Entry<>(settings, client));
                if (replaced != null) {
                    dropped.add(replaced.client());
                }
                var eldest = entries.entrySet().iterator();
                while (entries.size() > capacity && eldest.hasNext()) {
                    dropped.add(eldest.next().getValue().client());
                    eldest.remove();
                }
            }
        }
        dropped.forEach(RestClients::close);
        return client;
    }

    /** Drops and closes the client of {@code key}, if one is kept. */
    public void remove(K key) {
        Entry<T> removed;
        synchronized (entries) {
            removed = entries.remove(key);
        }
        if (removed != null) {
            RestClients.close(removed.client());
        }
    }

    /** How many clients are kept. */
    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    /** The keys whose clients are kept, least recently used first. */
    public List<K> keys() {
        synchronized (entries) {
            return List.copyOf(entries.keySet());
        }
    }

    /** Never shows the settings (a workspace's password is one). */
    @Override
    public String toString() {
        return "ClientCache" + keys();
    }
}
