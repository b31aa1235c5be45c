package cloud.angryninja.keeper.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

import cloud.angryninja.keeper.testing.Tier;

/** Workspace defaults and config errors, through the real SmallRye mapping. */
@Tier.Unit
class WorkspacesTest {

    private static List<Workspace> resolve(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(WorkspacesConfig.class)
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                .build();
        return Workspaces.resolve(config.getConfigMapping(WorkspacesConfig.class).entries());
    }

    @Test
    void resolvesEveryDefaultFromTheName() {
        List<Workspace> all = resolve(Map.of("keeper.workspaces.opencode-flux.url", "http://opencode-flux.opencode:4096"));

        assertThat(all).containsExactly(new Workspace("opencode-flux", URI.create("http://opencode-flux.opencode:4096"),
                "opencode", Optional.empty(), "opencode", "opencode-flux", "opencode-flux-copilot", "opencode-flux-copilot",
                "COPILOT_AUTH_JSON", "OPENCODE_FLUX_COPILOT_AUTH_JSON", "opencode-flux-secret", "KEEPER_REPORT_TOKEN"));
    }

    @Test
    void takesEveryExplicitValue() {
        Workspace w = resolve(Map.ofEntries(
                Map.entry("keeper.workspaces.ha.url", "https://ha.example.org/prefix"),
                Map.entry("keeper.workspaces.ha.username", "me"),
                Map.entry("keeper.workspaces.ha.password", "pw"),
                Map.entry("keeper.workspaces.ha.namespace", "ai"),
                Map.entry("keeper.workspaces.ha.deployment", "ha-deploy"),
                Map.entry("keeper.workspaces.ha.external-secret", "ha-es"),
                Map.entry("keeper.workspaces.ha.secret", "ha-auth"),
                Map.entry("keeper.workspaces.ha.secret-key", "auth.json"),
                Map.entry("keeper.workspaces.ha.doppler-secret", "HA_AUTH"),
                Map.entry("keeper.workspaces.ha.report-token-secret", "ha-reporter"),
                Map.entry("keeper.workspaces.ha.report-token-key", "TOKEN"))).get(0);

        assertThat(w).isEqualTo(new Workspace("ha", URI.create("https://ha.example.org/prefix"), "me", Optional.of("pw"), "ai",
                "ha-deploy", "ha-es", "ha-auth", "auth.json", "HA_AUTH", "ha-reporter", "TOKEN"));
        assertThat(w.endpoint("/global/health")).isEqualTo(URI.create("https://ha.example.org/prefix/global/health"));
        assertThat(w.toString()).doesNotContain("pw");
    }

    @Test
    void sortsByNameAndFindsByName() {
        Workspaces ws = new Workspaces(resolve(Map.of(
                "keeper.workspaces.zeta.url", "http://z:1",
                "keeper.workspaces.alpha.url", "http://a:1")));

        assertThat(ws.all()).extracting(Workspace::name).containsExactly("alpha", "zeta");
        assertThat(ws.byName("zeta")).map(Workspace::url).contains(URI.create("http://z:1"));
        assertThat(ws.byName("nope")).isEmpty();
    }

    @Test
    void noWorkspaceIsAConfigErrorNamingTheKey() {
        assertThatThrownBy(() -> resolve(Map.of("other.key", "x")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("keeper.workspaces: no workspace is configured");
    }

    @Test
    void missingUrlIsAConfigErrorNamingTheKey() {
        assertThatThrownBy(() -> resolve(Map.of("keeper.workspaces.flux.namespace", "ai")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("keeper.workspaces.flux.url is required");
    }

    @Test
    void badUrlsAreConfigErrorsNamingTheKey() {
        for (String bad : List.of("not a url", "ftp://host/x", "/relative", "http://user:secret@host:1", "http:///nohost")) {
            assertThatThrownBy(() -> resolve(Map.of("keeper.workspaces.flux.url", bad)))
                    .as(bad)
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessage("keeper.workspaces.flux.url is not an absolute http(s) URL with a host and no user info");
        }
    }

    @Test
    void badNameIsAConfigError() {
        assertThatThrownBy(() -> resolve(Map.of("keeper.workspaces.Bad_Name.url", "http://h:1")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("keeper.workspaces.Bad_Name: the workspace name must be a DNS label");
    }
}
