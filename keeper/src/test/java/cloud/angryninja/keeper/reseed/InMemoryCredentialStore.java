package cloud.angryninja.keeper.reseed;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import cloud.angryninja.keeper.credential.CredentialStore;
import cloud.angryninja.keeper.doppler.DopplerException;

/**
 * A Doppler config in memory, for plain JUnit reseed tests (the real client, with its retries, is tested against
 * WireMock in {@code DopplerTest} and {@code ReseedResourceTest}): counts reads and writes and can be told to fail.
 */
public final class InMemoryCredentialStore implements CredentialStore {

    private final Map<String, String> values = new ConcurrentHashMap<>();
    private final List<Map<String, String>> writes = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger reads = new AtomicInteger();
    private volatile DopplerException failure;

    public Optional<String> value(String name) {
        return Optional.ofNullable(values.get(name));
    }

    public void put(String name, String value) {
        values.put(name, value);
    }

    /** Every write received, oldest first. */
    public List<Map<String, String>> writes() {
        synchronized (writes) {
            return List.copyOf(writes);
        }
    }

    public int reads() {
        return reads.get();
    }

    /** From now on every call fails with this; {@code null} to heal. */
    public void failWith(DopplerException e) {
        failure = e;
    }

    @Override
    public Map<String, Optional<String>> read(Collection<String> names) {
        reads.incrementAndGet();
        if (failure != null) {
            throw failure;
        }
        Map<String, Optional<String>> out = new LinkedHashMap<>();
        names.forEach(n -> out.put(n, Optional.ofNullable(values.get(n))));
        return out;
    }

    @Override
    public void write(Map<String, String> secrets) {
        if (failure != null) {
            throw failure;
        }
        writes.add(Map.copyOf(secrets));
        values.putAll(secrets);
    }
}
