package cloud.angryninja.keeper.opencode;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import cloud.angryninja.keeper.testing.TestWorkspaces;
import cloud.angryninja.keeper.testing.UnreachableWorkspace;
import cloud.angryninja.keeper.workspace.Workspace;
import cloud.angryninja.keeper.workspace.WorkspaceEvent;
import cloud.angryninja.keeper.testing.Tier;

/**
 * Each workspace's OpenCode client, on two WireMock OpenCode stand-ins: built at the first call and kept, built again
 * when the workspace's password or URL changes (a discovered workspace's Deployment changed), dropped when it leaves,
 * and a call past the deadline cut there. The answers themselves are pinned by ProberTest on the real server.
 */
// @QuarkusTest: the REST clients are built by the Quarkus application (their implementations are generated at build
// time); the test resource is the one shared by the tests that need no workspace of the application's own.
@Tier.Unit
@QuarkusTest
@WithTestResource(UnreachableWorkspace.class)
class OpenCodeClientTest {

    static final String HEALTHY = "{\"healthy\":true,\"version\":\"1.18.33\"}";

    WireMockServer first;
    WireMockServer second;
    OpenCodeClient client;

    @BeforeEach
    void start() {
        first = server();
        second = server();
        client = new OpenCodeClient(Duration.ofMillis(1500));
    }

    @AfterEach
    void stop() {
        first.stop();
        second.stop();
    }

    private static WireMockServer server() {
        WireMockServer s = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        s.start();
        s.stubFor(get(urlEqualTo("/global/health")).willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(HEALTHY)));
        return s;
    }

    private static Workspace at(WireMockServer server, Optional<String> password) {
        return TestWorkspaces.named("ws", server.baseUrl(), password, "opencode");
    }

    private static String basic(String password) {
        return OpenCodeClient.basicAuth("opencode", password);
    }

    @Test
    void aWorkspacesClientIsKeptWhileItsSettingsStay() {
        Workspace w = at(first, Optional.of("pw-1"));

        assertThat(client.built()).isEmpty();
        assertThat(client.health(w).up()).isTrue();
        OpenCodeRestClient built = client.client(w);
        assertThat(client.health(at(first, Optional.of("pw-1"))).up()).isTrue();

        assertThat(client.client(at(first, Optional.of("pw-1")))).as("the same client").isSameAs(built);
        assertThat(client.built()).containsExactly("ws");
        first.verify(2, getRequestedFor(urlEqualTo("/global/health")).withHeader("Authorization", equalTo(basic("pw-1"))));
    }

    @Test
    void aChangedPasswordIsSentFromTheNextCallOn() {
        OpenCodeRestClient before = client.client(at(first, Optional.of("pw-1")));
        client.health(at(first, Optional.of("pw-1")));

        Workspace rotated = at(first, Optional.of("pw-2"));
        assertThat(client.health(rotated).up()).isTrue();

        assertThat(client.client(rotated)).as("built again").isNotSameAs(before);
        first.verify(1, getRequestedFor(urlEqualTo("/global/health")).withHeader("Authorization", equalTo(basic("pw-1"))));
        first.verify(1, getRequestedFor(urlEqualTo("/global/health")).withHeader("Authorization", equalTo(basic("pw-2"))));
        assertThat(client.built()).as("one client per workspace").containsExactly("ws");
    }

    @Test
    void aChangedUrlIsCalledFromTheNextCallOn() {
        client.health(at(first, Optional.of("pw")));

        assertThat(client.health(at(second, Optional.of("pw"))).up()).isTrue();

        first.verify(1, getRequestedFor(urlEqualTo("/global/health")));
        second.verify(1, getRequestedFor(urlEqualTo("/global/health")).withHeader("Authorization", equalTo(basic("pw"))));
    }

    @Test
    void withoutAPasswordNoAuthorizationIsSent() {
        assertThat(client.health(at(first, Optional.empty())).up()).isTrue();

        first.verify(1, getRequestedFor(urlEqualTo("/global/health")).withHeader("Authorization", absent()));
    }

    @Test
    void aWorkspaceThatLeavesTakesItsClientWithIt() {
        Workspace w = at(first, Optional.of("pw"));
        Workspace other = TestWorkspaces.named("other", second.baseUrl(), Optional.of("pw"), "opencode");
        client.health(w);
        client.health(other);
        assertThat(client.built()).containsExactlyInAnyOrder("ws", "other");

        client.onWorkspace(new WorkspaceEvent(WorkspaceEvent.Kind.LEFT, w));

        assertThat(client.built()).isEqualTo(List.of("other"));
    }

    @Test
    void aSlowAnswerIsCutAtTheDeadline() {
        first.stubFor(get(urlEqualTo("/global/health")).willReturn(aResponse().withFixedDelay(5_000).withBody(HEALTHY)));
        long start = System.nanoTime();

        OpenCodeClient.Health h = client.health(at(first, Optional.empty()));

        assertThat(h.up()).isFalse();
        assertThat(h.reason()).isEqualTo("GET /global/health: no answer within 1500 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(4_000));
    }
}
