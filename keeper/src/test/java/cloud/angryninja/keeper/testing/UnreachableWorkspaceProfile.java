package cloud.angryninja.keeper.testing;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * For {@code @QuarkusTest}s of parts that do not probe: the keeper refuses to start without a
 * workspace, so this profile configures one on a loopback port nobody listens on.
 */
public class UnreachableWorkspaceProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("keeper.workspaces.opencode-flux.url", "http://127.0.0.1:9");
    }
}
