package cloud.angryninja.keeper.workspace;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * The workspaces the keeper watches: the configured ones, resolved and validated once at start-up
 * (a config mistake stops the keeper with one line naming the key), plus those that workspace
 * discovery finds at run time. A configured workspace wins over a discovered one of the same name.
 * {@link #all()} and {@link #byName(String)} always answer the current set.
 */
@Startup
@ApplicationScoped
public class Workspaces {

    private static final String PREFIX = "keeper.workspaces";
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    /** What {@link #putDiscovered(Workspace)} did. */
    public enum Change {
        JOINED, CHANGED, UNCHANGED, SHADOWED_BY_CONFIG
    }

    private final List<Workspace> configured;
    private final Map<String, Workspace> discovered = new TreeMap<>();
    private volatile List<Workspace> all;

    @Inject
    public Workspaces(WorkspacesConfig config) {
        this(resolve(config.entries()));
    }

    public Workspaces(List<Workspace> configured) {
        this.configured = List.copyOf(configured);
        this.all = this.configured;
    }

    /** Every workspace, configured and discovered, sorted by name. */
    public List<Workspace> all() {
        return all;
    }

    public Optional<Workspace> byName(String name) {
        return all.stream().filter(w -> w.name().equals(name)).findFirst();
    }

    /** The workspaces of the configuration. */
    public List<Workspace> configured() {
        return configured;
    }

    public boolean isConfigured(String name) {
        return configured.stream().anyMatch(w -> w.name().equals(name));
    }

    /** Adds or replaces a discovered workspace; one with a configured workspace's name is not used. */
    public synchronized Change putDiscovered(Workspace workspace) {
        if (isConfigured(workspace.name())) {
            return Change.SHADOWED_BY_CONFIG;
        }
        Workspace before = discovered.put(workspace.name(), workspace);
        if (workspace.equals(before)) {
            return Change.UNCHANGED;
        }
        publish();
        return before == null ? Change.JOINED : Change.CHANGED;
    }

    /** Removes a discovered workspace; answers it when it was there. */
    public synchronized Optional<Workspace> removeDiscovered(String name) {
        Workspace removed = discovered.remove(name);
        if (removed != null) {
            publish();
        }
        return Optional.ofNullable(removed);
    }

    private void publish() {
        List<Workspace> next = new ArrayList<>(configured);
        next.addAll(discovered.values());
        next.sort(Comparator.comparing(Workspace::name));
        all = List.copyOf(next);
    }

    /** A DNS label: lower-case letters, digits and '-', at most 63 characters. */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /**
     * Resolves every default and validates; sorted by name.
     *
     * @throws ConfigurationException one line naming the key at fault
     */
    public static List<Workspace> resolve(Map<String, WorkspacesConfig.Entry> entries) {
        if (entries.isEmpty()) {
            throw new ConfigurationException(PREFIX + ": no workspace is configured; set "
                    + PREFIX + ".<name>.url for at least one workspace");
        }
        List<Workspace> result = new ArrayList<>();
        for (Map.Entry<String, WorkspacesConfig.Entry> e : new TreeMap<>(entries).entrySet()) {
            result.add(resolve(e.getKey(), e.getValue()));
        }
        return result;
    }

    static Workspace resolve(String name, WorkspacesConfig.Entry entry) {
        String key = PREFIX + "." + name;
        if (!isValidName(name)) {
            throw new ConfigurationException(key + ": the workspace name must be a DNS label"
                    + " (lower-case letters, digits and '-', at most 63 characters)");
        }
        String rawUrl = entry.url().filter(u -> !u.isBlank()).orElseThrow(() -> new ConfigurationException(
                key + ".url is required: the OpenCode base URL, e.g. http://" + name + "." + entry.namespace() + ":4096"));
        URI url = httpUrl(rawUrl).orElseThrow(() -> new ConfigurationException(
                key + ".url is not an absolute http(s) URL with a host and no user info"));
        return new Workspace(name, url, entry.username(), entry.password().filter(p -> !p.isEmpty()), entry.namespace(),
                entry.deployment().orElse(name),
                entry.externalSecret().orElse(Workspace.defaultCredentialSecret(name)),
                entry.secret().orElse(Workspace.defaultCredentialSecret(name)),
                entry.secretKey(),
                entry.dopplerSecret().orElse(Workspace.defaultDopplerSecret(name)),
                entry.reportTokenSecret().orElse(Workspace.defaultSecret(name)),
                entry.reportTokenKey());
    }

    /** An absolute http/https URL with a host and no user info (credentials belong in the password). */
    static Optional<URI> httpUrl(String raw) {
        try {
            URI uri = new URI(raw.trim());
            boolean http = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
            if (http && uri.getHost() != null && uri.getRawUserInfo() == null
                    && uri.getRawQuery() == null && uri.getRawFragment() == null) {
                return Optional.of(uri);
            }
            return Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }
}
