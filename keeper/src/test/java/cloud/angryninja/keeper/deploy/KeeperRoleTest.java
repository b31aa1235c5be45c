package cloud.angryninja.keeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import cloud.angryninja.keeper.kube.DeploymentRollout;
import cloud.angryninja.keeper.kube.ExternalSecretSync;
import cloud.angryninja.keeper.kube.ExternalSecrets;
import cloud.angryninja.keeper.kube.Outcome;
import cloud.angryninja.keeper.kube.RolloutResult;
import cloud.angryninja.keeper.kube.RolloutSnapshot;
import cloud.angryninja.keeper.kube.Rollouts;
import cloud.angryninja.keeper.kube.SyncRequest;
import cloud.angryninja.keeper.manifests.ExternalSecretKeys;
import cloud.angryninja.keeper.manifests.K8sTree;
import cloud.angryninja.keeper.manifests.Yaml;
import cloud.angryninja.keeper.reseed.ReseedFixture;
import cloud.angryninja.keeper.reseed.ReseedReply;
import cloud.angryninja.keeper.reseed.ReseedRequest;
import cloud.angryninja.keeper.reseed.ReseedWorkflow;
import cloud.angryninja.keeper.sandbox.ApiCalls.ApiCall;
import cloud.angryninja.keeper.sandbox.FakeDeploymentController;
import cloud.angryninja.keeper.sandbox.FakeExternalSecretsOperator;
import cloud.angryninja.keeper.sandbox.MockCluster;
import cloud.angryninja.keeper.testing.TestCredentials;
import cloud.angryninja.keeper.testing.Tier;
import cloud.angryninja.keeper.testing.UnreachableWorkspace;
import cloud.angryninja.keeper.workspace.Workspace;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

/**
 * The keeper's Role, as Flux applies it, against the API calls the keeper's cluster code really
 * makes: the reseed steps (forced ESO sync, rollout) run for every workspace of the deployed config
 * on a mock API, with the workspaces' ExternalSecrets as built from k8s/, stand-ins for ESO and the
 * Deployment controller, and the recorded requests decided by RBAC's rules. Every call is allowed,
 * and every grant of the Role is used: nothing broader is granted. The one grant no reseed uses is
 * the get of each workspace's own Secret, for the report token its reporter sends (the credential
 * report reads it); a reseed never touches that Secret.
 */
// @QuarkusTest: the keeper's REST clients are built by the Quarkus application (their implementations are generated at
// build time); the test resource is the one shared by the tests that need no workspace of the application's own.
@Tier.Integration
@QuarkusTest
@WithTestResource(UnreachableWorkspace.class)
class KeeperRoleTest {

    static final String OLD = "{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"gho_ROLEold0000\"}}";
    static final String NEW = "{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"gho_ROLEnew1111\"}}";
    static final String NOT_IN_DOPPLER = "{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"gho_ROLEnever22\"}}";

    final KeeperConfig config = KeeperConfig.deployed();
    final String namespace = K8sTree.fluxKustomization(K8sTree.KEEPER).targetNamespace();
    final RoleRules role = RoleRules.of(K8sTree.single(K8sTree.build(K8sTree.keeperApp()), "Role"), namespace);
    final Map<String, String> doppler = new ConcurrentHashMap<>();
    MockCluster cluster;
    FakeExternalSecretsOperator eso;
    FakeDeploymentController controller;

    @BeforeEach
    void start() {
        cluster = MockCluster.start();
        eso = new FakeExternalSecretsOperator(cluster.controllerClient(), key -> Optional.ofNullable(doppler.get(key))).start();
        controller = new FakeDeploymentController(cluster.controllerClient()).start();
    }

    @AfterEach
    void stop() {
        controller.close();
        eso.close();
        cluster.close();
    }

    @Test
    void everyCallOfAReseedIsAllowedAndEveryGrantIsUsed() {
        for (String ws : config.workspaces()) {
            createWorkspace(ws);
        }
        cluster.calls().clear();
        eso.delay(Duration.ofMillis(300));
        controller.stepDelay(Duration.ofMillis(400));

        for (String ws : config.workspaces()) {
            String es = config.workspace(ws, "external-secret");
            String secret = config.workspace(ws, "secret");
            String key = config.workspace(ws, "secret-key");
            String deployment = config.workspace(ws, "deployment");

            // Doppler does not hold the value the reseed wrote: the wait for the Secret times out and
            // the keeper reads the ExternalSecret and the Secret to report what it saw.
            ExternalSecretSync impatient = new ExternalSecretSync(cluster.client(), Duration.ofMillis(1500), Clock.systemUTC());
            assertThat(impatient.sync(SyncRequest.expecting(namespace, es, secret, key, NOT_IN_DOPPLER)).outcome())
                    .isEqualTo(Outcome.TIMEOUT);

            DeploymentRollout rollout = new DeploymentRollout(cluster.client(), Duration.ofSeconds(10), Duration.ofSeconds(2),
                    Clock.systemUTC());
            RolloutSnapshot before = rollout.snapshot(namespace, deployment, secret).orElseThrow();
            ExternalSecretSync sync = new ExternalSecretSync(cluster.client(), Duration.ofSeconds(10), Clock.systemUTC());
            assertThat(sync.sync(SyncRequest.expecting(namespace, es, secret, key, NEW)).outcome()).isEqualTo(Outcome.SUCCESS);
            RolloutResult rolled = rollout.rolloutOnce(before);
            assertThat(rolled.outcome()).as(rolled.detail()).isEqualTo(Outcome.SUCCESS);
        }

        List<ApiCall> calls = cluster.calls().keeperCalls();
        assertThat(calls).isNotEmpty();
        assertThat(calls).filteredOn(c -> !role.allows(c)).as("calls the Role refuses").isEmpty();
        Set<String> used = new TreeSet<>(calls.stream().map(RoleRules::grant).toList());
        assertThat(used).as("a reseed never reads the workspaces' own Secrets").doesNotContainAnyElementsOf(reportTokenReads());
        Set<String> forAReseed = new TreeSet<>(role.grants());
        assertThat(forAReseed.removeAll(reportTokenReads())).isTrue();
        assertThat(forAReseed).as("what the Role grants (the report-token reads aside), against what the keeper used").isEqualTo(used);
    }

    /** The get of each workspace's own Secret (the one holding KEEPER_REPORT_TOKEN, as the workspace's build writes it). */
    Set<String> reportTokenReads() {
        Set<String> reads = new TreeSet<>();
        for (String ws : config.workspaces()) {
            K8sTree.all(K8sTree.build(K8sTree.fluxKustomization(ws).path()), "ExternalSecret").stream()
                    .filter(es -> ExternalSecretKeys.secretKeys(es).contains("KEEPER_REPORT_TOKEN"))
                    .forEach(es -> reads.add(RoleRules.grant("get", "", "secrets", es.path("spec").path("target").path("name").asText())));
        }
        assertThat(reads).as("the workspaces' own Secrets").hasSize(config.workspaces().size());
        assertThat(role.grants()).containsAll(reads);
        return reads;
    }

    /**
     * The reseed workflow itself ({@code ReseedWorkflow}, as {@code POST /reseed} runs it) for every workspace of the
     * deployed config, objects as built from k8s/ (Reloader-watched Deployments), then the same reseed again (no
     * write, no restart), a live one (the default), and the read of each workspace's report token (a credential
     * report): every call is allowed, and every get, list and patch grant is used.
     */
    @Test
    void theWholeReseedWorkflowStaysInsideTheRole() {
        try (ReseedFixture f = new ReseedFixture(namespace)) {
            List<Workspace> workspaces = new ArrayList<>();
            for (String ws : config.workspaces()) {
                Workspace w = new Workspace(ws, URI.create(f.http.baseUrl() + "/ws/" + ws), "opencode", Optional.of("pw"), namespace,
                        config.workspace(ws, "deployment"), config.workspace(ws, "external-secret"), config.workspace(ws, "secret"),
                        config.workspace(ws, "secret-key"), config.workspace(ws, "doppler-secret"), config.workspace(ws, "report-token-secret"),
                        config.workspace(ws, "report-token-key"));
                workspaces.add(w);
                var setup = f.cluster.controllerClient();
                JsonNode es = K8sTree.named(K8sTree.build(K8sTree.fluxKustomization(ws).path()), "ExternalSecret", w.externalSecret());
                ExternalSecretKeys.remoteKeys(es).values().forEach(key -> f.doppler.put(key, "value"));
                f.doppler.put(w.dopplerSecret(), OLD);
                ObjectNode created = es.deepCopy();
                ((ObjectNode) created.path("metadata")).put("namespace", namespace);
                setup.genericKubernetesResources(ExternalSecrets.CONTEXT).inNamespace(namespace)
                        .resource(Yaml.JSON.convertValue(created, GenericKubernetesResource.class)).create();
                setup.secrets().inNamespace(namespace).resource(MockCluster.secret(namespace, w.secret(), w.secretKey(), OLD)).create();
                setup.apps().deployments().inNamespace(namespace).resource(MockCluster.deployment(namespace, w.deployment(), w.secret(), true))
                        .create();
                await().atMost(Duration.ofSeconds(10)).until(() -> Rollouts.isComplete(
                        setup.apps().deployments().inNamespace(namespace).withName(w.deployment()).get()));
                f.openCode(ws, true);
            }
            f.cluster.calls().clear();
            ReseedWorkflow workflow = f.workflow(workspaces);
            String next = TestCredentials.authJson(ReseedFixture.NEW_TOKEN);

            ReseedReply first = workflow.reseed(ReseedFixture.request(next));
            ReseedReply again = workflow.reseed(ReseedFixture.request(next));
            ReseedReply live = workflow.reseed(new ReseedRequest(next.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    false, List.of(), null, null, null)); // the default, live: the stand-ins refuse the PUT, so a rollout
            // a workspace reports its credential: the keeper reads its report token
            cloud.angryninja.keeper.api.ApiConfig api = () -> "api-token";
            cloud.angryninja.keeper.api.ReportTokens tokens = new cloud.angryninja.keeper.api.ReportTokens(
                    new cloud.angryninja.keeper.workspace.Workspaces(workspaces), f.cluster.client(), () -> api, Duration.ofSeconds(5),
                    Clock.systemUTC());
            for (Workspace w : workspaces) {
                tokens.authorise(w.name(), "Bearer not-a-report-token");
            }

            assertThat(first.status()).as(first.toText()).isEqualTo(200);
            assertThat(again.status()).as(again.toText()).isEqualTo(200);
            assertThat(live.status()).as(live.toText()).isEqualTo(200);
            List<ApiCall> calls = f.cluster.calls().keeperCalls();
            assertThat(calls).as("the report tokens were read")
                    .anyMatch(c -> c.verb().equals("get") && c.resource().equals("secrets")
                            && c.name().equals(config.workspace(workspaces.get(0).name(), "report-token-secret")));
            assertThat(calls).filteredOn(c -> !role.allows(c)).as("calls the Role refuses").isEmpty();
            Set<String> used = new TreeSet<>(calls.stream().map(RoleRules::grant).toList());
            Set<String> unused = new TreeSet<>(role.grants());
            unused.removeAll(used);
            // A wait whose condition already holds at the informer's first list ends before its watch starts, so which
            // watches a fast reseed opens depends on timing; everyCallOfAReseedIsAllowedAndEveryGrantIsUsed, with
            // slow stand-ins, uses every one of them.
            unused.removeAll(reportTokenReads());
            assertThat(unused).as("grants a successful reseed did not use").allMatch(g -> g.startsWith("watch "));
        }
    }

    /** The decision can go against a call: RBAC's refusals, read the same way. */
    @Test
    void theRulesRefuseWhatRbacRefuses() {
        String es = config.workspace("opencode-flux", "external-secret");
        String secret = config.workspace("opencode-flux", "secret");
        String deployment = config.workspace("opencode-flux", "deployment");
        String selector = "fieldSelector=metadata.name%3D" + secret;
        assertThat(role.allows(call("get", "", "secrets", "", namespace, secret, ""))).isTrue();
        assertThat(role.allows(call("list", "", "secrets", "", namespace, "", selector))).isTrue();
        assertThat(role.allows(call("watch", "", "secrets", "", namespace, "", "watch=true&" + selector))).isTrue();
        assertThat(role.allows(call("list", "", "secrets", "", namespace, "", ""))).as("list without a name").isFalse();
        assertThat(role.allows(call("watch", "", "secrets", "", namespace, "", "watch=true"))).as("watch without a name").isFalse();
        assertThat(role.allows(call("list", "", "secrets", "", namespace, "", "fieldSelector=metadata.name%3Dother")))
                .as("list of another Secret").isFalse();
        assertThat(role.allows(call("get", "", "secrets", "", namespace, "other-secret", ""))).as("another Secret").isFalse();
        assertThat(role.allows(call("patch", "", "secrets", "", namespace, secret, ""))).as("patch of a Secret").isFalse();
        assertThat(role.allows(call("delete", "external-secrets.io", "externalsecrets", "", namespace, es, "")))
                .as("delete of an ExternalSecret").isFalse();
        assertThat(role.allows(call("get", "", "secrets", "", "kube-system", secret, ""))).as("another namespace").isFalse();
        assertThat(role.allows(call("patch", "apps", "deployments", "scale", namespace, deployment, ""))).as("a subresource").isFalse();
        assertThat(role.allows(call("patch", "apps", "deployments", "", namespace, deployment, ""))).isTrue();

        // The workspace's own Secret (password, PAT, report token): a get of it, nothing more.
        String own = "opencode-flux-secret";
        assertThat(reportTokenReads()).contains(RoleRules.grant("get", "", "secrets", own));
        assertThat(role.allows(call("get", "", "secrets", "", namespace, own, ""))).isTrue();
        assertThat(role.allows(call("list", "", "secrets", "", namespace, "", "fieldSelector=metadata.name%3D" + own))).as("list of it").isFalse();
        assertThat(role.allows(call("watch", "", "secrets", "", namespace, "", "watch=true&fieldSelector=metadata.name%3D" + own)))
                .as("watch of it").isFalse();
        assertThat(role.allows(call("patch", "", "secrets", "", namespace, own, ""))).as("patch of it").isFalse();
    }

    private static ApiCall call(String verb, String group, String resource, String subresource, String namespace, String name,
            String query) {
        return new ApiCall(verb, group, resource, subresource, namespace, name, query, "test");
    }

    /** A workspace's ExternalSecret as built from k8s/, its Secret holding OLD and its Deployment rolled out. */
    private void createWorkspace(String ws) {
        var setup = cluster.controllerClient();
        String secret = config.workspace(ws, "secret");
        List<JsonNode> built = K8sTree.build(K8sTree.fluxKustomization(ws).path());
        JsonNode es = K8sTree.named(built, "ExternalSecret", config.workspace(ws, "external-secret"));
        ExternalSecretKeys.remoteKeys(es).values().forEach(key -> doppler.put(key, "value"));
        doppler.put(config.workspace(ws, "doppler-secret"), NEW);
        ObjectNode created = es.deepCopy();
        ((ObjectNode) created.path("metadata")).put("namespace", namespace);
        setup.genericKubernetesResources(ExternalSecrets.CONTEXT).inNamespace(namespace)
                .resource(Yaml.JSON.convertValue(created, GenericKubernetesResource.class)).create();
        setup.secrets().inNamespace(namespace).resource(MockCluster.secret(namespace, secret, config.workspace(ws, "secret-key"), OLD))
                .create();
        setup.apps().deployments().inNamespace(namespace)
                .resource(MockCluster.deployment(namespace, config.workspace(ws, "deployment"), secret, false)).create();
        await().atMost(Duration.ofSeconds(10)).until(() -> Rollouts.isComplete(
                setup.apps().deployments().inNamespace(namespace).withName(config.workspace(ws, "deployment")).get()));
    }
}
