package cloud.angryninja.keeper.workspace;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
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
 * The configured workspaces, resolved and validated once at start-up: a config mistake stops the
 * keeper with one line naming the key.
 */
@Startup
@ApplicationScoped
public class Workspaces {

    private static final String PREFIX = "keeper.workspaces";
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private final List<Workspace> all;

    @Inject
    public Workspaces(WorkspacesConfig config) {
        this(resolve(config.entries()));
    }

    public Workspaces(List<Workspace> all) {
        this.all = List.copyOf(all);
    }

    public List<Workspace> all() {
        return all;
    }

    public Optional<Workspace> byName(String name) {
        return all.stream().filter(w -> w.name().equals(name)).findFirst();
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
        if (!NAME.matcher(name).matches()) {
            throw new ConfigurationException(key + ": the workspace name must be a DNS label"
                    + " (lower-case letters, digits and '-', at most 63 characters)");
        }
        String rawUrl = entry.url().filter(u -> !u.isBlank()).orElseThrow(() -> new ConfigurationException(
                key + ".url is required: the OpenCode base URL, e.g. http://" + name + "." + entry.namespace() + ":4096"));
        URI url = httpUrl(rawUrl).orElseThrow(() -> new ConfigurationException(
                key + ".url is not an absolute http(s) URL with a host and no user info"));
        return new Workspace(name, url, entry.username(), entry.password().filter(p -> !p.isEmpty()), entry.namespace(),
                entry.deployment().orElse(name),
                entry.externalSecret().orElse(name),
                entry.secret().orElse(name + "-secret"),
                entry.secretKey(),
                entry.dopplerSecret().orElse(Workspace.defaultDopplerSecret(name)));
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
