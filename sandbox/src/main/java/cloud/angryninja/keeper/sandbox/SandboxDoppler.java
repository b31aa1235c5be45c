package cloud.angryninja.keeper.sandbox;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.arc.profile.IfBuildProfile;

import cloud.angryninja.keeper.reseed.CredentialStore;
import cloud.angryninja.keeper.workspace.Workspace;
import cloud.angryninja.keeper.workspace.Workspaces;

/**
 * Dev sandbox: Doppler in memory, holding each workspace's sandbox auth.json under its Doppler secret name. It
 * replaces the Doppler client as the reseed's {@link CredentialStore}; the sandbox ESO reads it.
 */
@IfBuildProfile("dev")
@Singleton
public class SandboxDoppler implements CredentialStore {

    private static final Logger LOG = Logger.getLogger(SandboxDoppler.class);

    private final Map<String, String> values = new ConcurrentHashMap<>();

    public SandboxDoppler(Workspaces workspaces, SandboxCredentials credentials) {
        for (Workspace w : workspaces.all()) {
            values.put(w.dopplerSecret(), credentials.authJson(w.name()));
        }
    }

    public Optional<String> value(String name) {
        return Optional.ofNullable(values.get(name));
    }

    @Override
    public Map<String, Optional<String>> read(Collection<String> names) {
        Map<String, Optional<String>> out = new LinkedHashMap<>();
        names.forEach(n -> out.put(n, value(n)));
        return out;
    }

    @Override
    public void write(Map<String, String> secrets) {
        values.putAll(secrets);
        LOG.infof("sandbox: Doppler stand-in set %s", secrets.keySet());
    }
}
