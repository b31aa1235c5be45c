package cloud.angryninja.keeper.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;

import cloud.angryninja.keeper.testing.TestWorkspaces;
import cloud.angryninja.keeper.testing.Tier;

/** Discovered workspaces beside the configured ones. */
@Tier.Unit
class DiscoveredWorkspacesTest {

    private static Workspace ws(String name, String url) {
        return TestWorkspaces.named(name, url);
    }

    final Workspaces workspaces = new Workspaces(List.of(ws("beta", "http://beta:4096")));

    @Test
    void joinChangeLeaveKeepAllSortedAndByNameCurrent() {
        assertThat(workspaces.putDiscovered(ws("gamma", "http://gamma:4096"))).isEqualTo(Workspaces.Change.JOINED);
        assertThat(workspaces.putDiscovered(ws("alpha", "http://alpha:4096"))).isEqualTo(Workspaces.Change.JOINED);
        assertThat(workspaces.all()).extracting(Workspace::name).containsExactly("alpha", "beta", "gamma");

        assertThat(workspaces.putDiscovered(ws("alpha", "http://alpha:4096"))).isEqualTo(Workspaces.Change.UNCHANGED);
        assertThat(workspaces.putDiscovered(ws("alpha", "http://alpha-2:4096"))).isEqualTo(Workspaces.Change.CHANGED);
        assertThat(workspaces.byName("alpha").orElseThrow().url()).isEqualTo(URI.create("http://alpha-2:4096"));

        assertThat(workspaces.removeDiscovered("alpha")).isPresent();
        assertThat(workspaces.removeDiscovered("alpha")).isEmpty();
        assertThat(workspaces.byName("alpha")).isEmpty();
        assertThat(workspaces.all()).extracting(Workspace::name).containsExactly("beta", "gamma");
        assertThat(workspaces.configured()).extracting(Workspace::name).containsExactly("beta");
    }

    @Test
    void theConfiguredWorkspaceWinsOverADiscoveredOneOfTheSameName() {
        assertThat(workspaces.putDiscovered(ws("beta", "http://elsewhere:4096"))).isEqualTo(Workspaces.Change.SHADOWED_BY_CONFIG);
        assertThat(workspaces.byName("beta").orElseThrow().url()).isEqualTo(URI.create("http://beta:4096"));
        assertThat(workspaces.removeDiscovered("beta")).isEmpty();
        assertThat(workspaces.byName("beta")).isPresent();
    }
}
