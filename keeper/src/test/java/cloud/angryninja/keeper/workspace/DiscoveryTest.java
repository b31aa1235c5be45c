package cloud.angryninja.keeper.workspace;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

import cloud.angryninja.keeper.events.EventMetrics;
import cloud.angryninja.keeper.events.PassiveDetection;
import cloud.angryninja.keeper.metrics.KeeperMetrics;
import cloud.angryninja.keeper.probe.Prober;
import cloud.angryninja.keeper.reseed.ReseedMetrics;
import cloud.angryninja.keeper.reseed.ReseedResult;
import cloud.angryninja.keeper.testing.MetricsText;
import cloud.angryninja.keeper.testing.Tier;

/**
 * Workspace discovery on the fabric8 mock Kubernetes API (CRUD mode): labelled Deployments join
 * (probed, series registered, event stream followed), change with their annotations, are refused
 * when their annotations are wrong, and leave (series removed) without a restart; the configured
 * workspace is never touched. OpenCode and Copilot are WireMock stand-ins.
 */
@Tier.Unit
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(DiscoveryStandInsResource.class)
class DiscoveryTest {

    static final String NS = "opencode";
    static final String P = WorkspaceLabels.PREFIX;

    WireMockServer standIns;

    @Inject
    KubernetesClient kube;

    @Inject
    Workspaces workspaces;

    @Inject
    Prober prober;

    @Inject
    cloud.angryninja.keeper.probe.ProbeCycle cycle;

    @Inject
    cloud.angryninja.keeper.probe.WorkspaceStates states;

    @Inject
    PassiveDetection passive;

    @BeforeEach
    void configuredWorkspaceProbed() {
        await().atMost(Duration.ofSeconds(30)).until(() -> cycle.cycles() >= 1);
    }

    private void secret(String name, Map<String, String> data) {
        SecretBuilder b = new SecretBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata();
        data.forEach((k, v) -> b.addToData(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        kube.secrets().inNamespace(NS).resource(b.build()).createOr(existing -> existing.update());
    }

    private static String authJson() {
        return "{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"" + DiscoveryStandInsResource.TOKEN + "\"}}";
    }

    private Deployment deployment(String name, String label, Map<String, String> annotations) {
        Deployment d = new DeploymentBuilder().withNewMetadata().withName(name).withNamespace(NS)
                .addToLabels("app.kubernetes.io/name", name)
                .addToLabels(WorkspaceLabels.WORKSPACE, label).addToAnnotations(annotations).endMetadata()
                .withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("ghcr.io/anomalyco/opencode:1.18.33").endContainer()
                .endSpec().endTemplate().endSpec().build();
        return kube.apps().deployments().inNamespace(NS).resource(d).create();
    }

    private String url(String prefix) {
        return standIns.baseUrl() + prefix;
    }

    private static Optional<Double> sample(String name, String workspace) {
        return MetricsText.workspace(name, workspace);
    }

    private static double discovered() {
        return MetricsText.value(MetricsText.scrape(), KeeperMetrics.WORKSPACES, Map.of("source", "discovery")).orElseThrow();
    }

    @Test
    void aLabelledDeploymentJoinsIsProbedAndLeavesWithItsSeries() {
        secret("opencode-lab-secret", Map.of("OPENCODE_SERVER_PASSWORD", DiscoveryStandInsResource.HEALTHY_PASSWORD));
        secret("opencode-lab-copilot", Map.of("COPILOT_AUTH_JSON", authJson()));
        double before = discovered();

        deployment("opencode-lab", "true", Map.of(P + "url", url("/healthy")));

        await().atMost(Duration.ofSeconds(10)).until(() -> sample(KeeperMetrics.WORKSPACE_UP, "opencode-lab").equals(Optional.of(1.0)));
        await().atMost(Duration.ofSeconds(10)).until(() -> sample(KeeperMetrics.CREDENTIAL_VALID, "opencode-lab").equals(Optional.of(1.0)));
        Workspace lab = workspaces.byName("opencode-lab").orElseThrow();
        assertThat(lab.password()).as("read from the Secret the defaults name").contains(DiscoveryStandInsResource.HEALTHY_PASSWORD);
        assertThat(lab.deployment()).isEqualTo("opencode-lab");
        assertThat(lab.namespace()).isEqualTo(NS);
        assertThat(sample(KeeperMetrics.PROVIDER_LOADED, "opencode-lab")).contains(1.0);
        assertThat(sample(EventMetrics.STREAM_CONNECTED, "opencode-lab")).as("its event stream is followed").isPresent();
        assertThat(passive.followed()).contains("opencode-lab");
        String joined = MetricsText.scrape();
        for (ReseedResult r : ReseedResult.values()) {
            assertThat(MetricsText.value(joined, ReseedMetrics.TOTAL, Map.of("workspace", "opencode-lab", "result", r.label())))
                    .as("its reseed series").contains(0.0);
        }
        assertThat(MetricsText.value(joined, ReseedMetrics.LAST_SUCCESS, Map.of("workspace", "opencode-lab"))).contains(0.0);
        assertThat(discovered()).isEqualTo(before + 1);
        given().header("Authorization", "Bearer test-token").get("/workspaces").then().statusCode(200)
                .body("find { it.workspace == 'opencode-lab' }.up.outcome", org.hamcrest.Matchers.equalTo("PASS"));

        kube.apps().deployments().inNamespace(NS).withName("opencode-lab").delete();

        await().atMost(Duration.ofSeconds(10)).until(() -> workspaces.byName("opencode-lab").isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() -> !MetricsText.scrape().contains("workspace=\"opencode-lab\""));
        assertThat(passive.followed()).doesNotContain("opencode-lab");
        assertThat(discovered()).isEqualTo(before);
        assertThat(sample(KeeperMetrics.WORKSPACE_UP, "configured")).as("the configured workspace is untouched").contains(1.0);
    }

    @Test
    void anAnnotationEditTakesEffectAndABadOneChangesNothing() {
        secret("lab-server", Map.of("PW", DiscoveryStandInsResource.HEALTHY_PASSWORD));
        secret("edited-copilot", Map.of("COPILOT_AUTH_JSON", authJson()));
        deployment("opencode-edit", "edited", Map.of(P + "url", url("/healthy"), P + "password-secret", "lab-server",
                P + "password-key", "PW"));
        await().atMost(Duration.ofSeconds(10)).until(() -> sample(KeeperMetrics.WORKSPACE_UP, "edited").equals(Optional.of(1.0)));

        kube.apps().deployments().inNamespace(NS).withName("opencode-edit")
                .edit(d -> new DeploymentBuilder(d).editMetadata().addToAnnotations(P + "url", url("/broken")).endMetadata().build());

        await().atMost(Duration.ofSeconds(10)).until(() -> sample(KeeperMetrics.WORKSPACE_UP, "edited").equals(Optional.of(0.0)));
        assertThat(workspaces.byName("edited").orElseThrow().url().toString()).isEqualTo(url("/broken"));
        assertThat(states.of("edited").orElseThrow().up().reason()).isEqualTo("GET /global/health: HTTP 503");

        kube.apps().deployments().inNamespace(NS).withName("opencode-edit")
                .edit(d -> new DeploymentBuilder(d).editMetadata().addToAnnotations(P + "url", url("/healthy"))
                        .addToAnnotations(P + "password", "in-clear").endMetadata().build());
        // a later valid Deployment is the sign that the refused edit has been handled
        secret("marker-secret", Map.of("OPENCODE_SERVER_PASSWORD", DiscoveryStandInsResource.HEALTHY_PASSWORD));
        deployment("opencode-marker", "marker", Map.of(P + "url", url("/healthy")));
        await().atMost(Duration.ofSeconds(10)).until(() -> workspaces.byName("marker").isPresent());

        Workspace edited = workspaces.byName("edited").orElseThrow();
        assertThat(edited.url().toString()).as("the refused edit changed nothing").isEqualTo(url("/broken"));
        assertThat(edited.password()).contains(DiscoveryStandInsResource.HEALTHY_PASSWORD);
    }

    @Test
    void aDeploymentNamedLikeAConfiguredWorkspaceDoesNotReplaceIt() {
        Workspace configured = workspaces.byName("configured").orElseThrow();
        deployment("configured", "true", Map.of(P + "url", url("/broken")));
        deployment("opencode-after", "after", Map.of(P + "url", url("/healthy")));
        await().atMost(Duration.ofSeconds(10)).until(() -> workspaces.byName("after").isPresent());

        assertThat(workspaces.byName("configured")).contains(configured);
        assertThat(workspaces.configured()).contains(configured);
        assertThat(prober.probeNow(configured).up().outcome()).isEqualTo(cloud.angryninja.keeper.probe.ProbeResult.Outcome.PASS);
        assertThat(sample(KeeperMetrics.WORKSPACE_UP, "configured")).contains(1.0);

        kube.apps().deployments().inNamespace(NS).withName("configured").delete();
        kube.apps().deployments().inNamespace(NS).withName("opencode-after").delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> workspaces.byName("after").isEmpty());
        assertThat(workspaces.byName("configured")).as("deleting the Deployment leaves the configured workspace").contains(configured);
    }

    @Test
    void aDeploymentWithABadLabelNeverJoins() {
        deployment("opencode-bad", "Not_A_Name", Map.of());
        deployment("opencode-good", "good", Map.of(P + "url", url("/healthy")));
        await().atMost(Duration.ofSeconds(10)).until(() -> workspaces.byName("good").isPresent());

        assertThat(workspaces.all()).extracting(Workspace::name).doesNotContain("Not_A_Name", "opencode-bad");
        assertThat(workspaces.byName("good").orElseThrow().password()).as("no Secret good-secret: probed without a password").isEmpty();
    }

    @Test
    void removingTheLabelMakesTheWorkspaceLeave() {
        deployment("opencode-unlabel", "unlabel", Map.of(P + "url", url("/healthy")));
        await().atMost(Duration.ofSeconds(10)).until(() -> workspaces.byName("unlabel").isPresent());

        kube.apps().deployments().inNamespace(NS).withName("opencode-unlabel")
                .edit(d -> new DeploymentBuilder(d).editMetadata().removeFromLabels(WorkspaceLabels.WORKSPACE).endMetadata().build());

        await().atMost(Duration.ofSeconds(10)).until(() -> workspaces.byName("unlabel").isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() -> !MetricsText.scrape().contains("workspace=\"unlabel\""));
    }
}
