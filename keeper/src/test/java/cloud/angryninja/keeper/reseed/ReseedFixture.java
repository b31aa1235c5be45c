package cloud.angryninja.keeper.reseed;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import cloud.angryninja.keeper.copilot.CopilotChecker;
import cloud.angryninja.keeper.credential.AccountRecord;
import cloud.angryninja.keeper.credential.ReportedCredentials;
import cloud.angryninja.keeper.kube.DeploymentRollout;
import cloud.angryninja.keeper.kube.ExternalSecretSync;
import cloud.angryninja.keeper.kube.ExternalSecrets;
import cloud.angryninja.keeper.kube.Rollouts;
import cloud.angryninja.keeper.opencode.OpenCodeClient;
import cloud.angryninja.keeper.probe.PlainProber;
import cloud.angryninja.keeper.probe.Prober;
import cloud.angryninja.keeper.sandbox.FakeDeploymentController;
import cloud.angryninja.keeper.sandbox.FakeExternalSecretsOperator;
import cloud.angryninja.keeper.sandbox.FakeReloader;
import cloud.angryninja.keeper.sandbox.MockCluster;
import cloud.angryninja.keeper.testing.TestWorkspaces;
import cloud.angryninja.keeper.workspace.Workspace;
import cloud.angryninja.keeper.workspace.Workspaces;

/**
 * The reseed workflow on stand-ins, for plain JUnit: a mock Kubernetes API with ESO, Deployment-controller and
 * Reloader stand-ins, Doppler in memory, and one WireMock that answers as the Copilot API ({@code /models}) and as
 * each workspace's OpenCode ({@code /ws/<name>/global/health}, {@code /ws/<name>/config/providers}).
 */
public final class ReseedFixture implements AutoCloseable {

    public static final String OLD_TOKEN = "gho_FIXTUREold0000";
    public static final String NEW_TOKEN = "gho_FIXTUREnew1111";
    public static final String REVOKED_TOKEN = "gho_FIXTURErevoked2";
    public static final String UNKNOWN_TOKEN = "gho_FIXTUREservererr3";
    /** A Copilot /models answer with one model enabled in the picker. */
    public static final String MODELS = "{\"data\":[{\"id\":\"gpt-5-mini\",\"model_picker_enabled\":true}]}";
    /** An OpenCode 1.x /config/providers answer with github-copilot loaded. */
    public static final String PROVIDERS = "{\"providers\":[{\"id\":\"github-copilot\",\"source\":\"custom\",\"options\":{\"apiKey\":\"\"},"
            + "\"models\":{\"gpt-5-mini\":{}}}]}";

    public final MockCluster cluster = MockCluster.start();
    public final InMemoryCredentialStore doppler = new InMemoryCredentialStore();
    public final FakeExternalSecretsOperator eso;
    public final FakeDeploymentController controller;
    public final FakeReloader reloader;
    public final WireMockServer http = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    public final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    /** What each workspace holds, shared by the probe and the reseed as the beans share it. */
    public final ReportedCredentials held = new ReportedCredentials();
    private final String namespace;
    private Duration openCodeTimeout = Duration.ofSeconds(5);

    public ReseedFixture(String namespace) {
        this.namespace = namespace;
        http.start();
        eso = new FakeExternalSecretsOperator(cluster.controllerClient(), doppler::value).start();
        controller = new FakeDeploymentController(cluster.controllerClient()).stepDelay(Duration.ofMillis(20)).start();
        reloader = new FakeReloader(cluster.controllerClient()).start();
        copilotAnswers(OLD_TOKEN, 200, MODELS);
        copilotAnswers(NEW_TOKEN, 200, MODELS);
        copilotAnswers(REVOKED_TOKEN, 401, "{\"message\":\"Bad credentials\"}");
        copilotAnswers(UNKNOWN_TOKEN, 503, "");
    }

    public void copilotAnswers(String token, int status, String body) {
        http.stubFor(get(urlEqualTo("/models")).withHeader("Authorization", equalTo("Bearer " + token))
                .willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body)));
    }

    /** The workspace's OpenCode stand-in answers healthy with github-copilot loaded ({@code loaded}) or without it. */
    public void openCode(String workspace, boolean loaded) {
        http.stubFor(get(urlEqualTo("/ws/" + workspace + "/global/health"))
                .willReturn(aResponse().withStatus(200).withBody("{\"healthy\":true,\"version\":\"1.18.33\"}")));
        http.stubFor(get(urlEqualTo("/ws/" + workspace + "/config/providers"))
                .willReturn(aResponse().withStatus(200).withBody(loaded ? PROVIDERS : "{\"providers\":[]}")));
    }

    /** A workspace with every default, its OpenCode on the stand-in. */
    public Workspace workspace(String name) {
        return TestWorkspaces.named(name, http.baseUrl() + "/ws/" + name, Optional.of("pw-" + name), namespace);
    }

    /**
     * The workspace's ExternalSecret, Secret (holding {@code authJson}, also in Doppler) and rolled-out Deployment
     * ({@code reloader}: annotated for Reloader), and its OpenCode stand-in with the provider loaded.
     */
    public void create(Workspace w, String authJson, boolean reloader, String refreshPolicy) {
        KubernetesClient setup = cluster.controllerClient();
        doppler.put(w.dopplerSecret(), authJson);
        setup.genericKubernetesResources(ExternalSecrets.CONTEXT).inNamespace(namespace).resource(MockCluster.externalSecret(namespace,
                w.externalSecret(), w.secret(), w.secretKey(), w.dopplerSecret(), refreshPolicy)).create();
        setup.secrets().inNamespace(namespace).resource(MockCluster.secret(namespace, w.secret(), w.secretKey(), authJson)).create();
        setup.apps().deployments().inNamespace(namespace).resource(MockCluster.deployment(namespace, w.deployment(), w.secret(), reloader))
                .create();
        await().atMost(Duration.ofSeconds(10)).until(() -> Rollouts.isComplete(
                setup.apps().deployments().inNamespace(namespace).withName(w.deployment()).get()));
        openCode(w.name(), true);
    }

    /**
     * The deadline of the keeper's calls to OpenCode in the workflows made after this (5 s): a real OpenCode builds an
     * instance at the first call after a dispose, which takes seconds on a loaded machine.
     */
    public ReseedFixture withOpenCodeTimeout(Duration timeout) {
        this.openCodeTimeout = timeout;
        return this;
    }

    /** The keeper's parts on this fixture, as the beans wire them, with short deadlines. */
    public ReseedWorkflow workflow(List<Workspace> all, Duration syncTimeout, Duration rolloutTimeout, Duration verifyTimeout) {
        Workspaces workspaces = new Workspaces(all);
        CopilotChecker copilot = new CopilotChecker(URI.create(http.baseUrl()), Duration.ofSeconds(2), "2026-06-01", "test");
        KubernetesClient kube = cluster.client();
        OpenCodeClient openCode = new OpenCodeClient(openCodeTimeout);
        Prober prober = PlainProber.of(workspaces, openCode, copilot, kube, held, 8).prober();
        return new ReseedWorkflow(workspaces, new ReseedSteps(copilot, doppler, AccountRecord.none(),
                new ExternalSecretSync(kube, syncTimeout, Clock.systemUTC()), new DeploymentRollout(kube, rolloutTimeout, Duration.ofMillis(500),
                        Clock.systemUTC()), openCode, prober, kube, held, verifyTimeout, Duration.ofMillis(100)),
                new ReseedMetrics(registry, workspaces));
    }

    public ReseedWorkflow workflow(List<Workspace> all) {
        return workflow(all, Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(3));
    }

    /** A reseed that rolls the workspaces out ({@code ?mode=rollout}): the stand-in OpenCode takes no credential live. */
    public static ReseedRequest request(String body, String... workspaces) {
        return new ReseedRequest(body.getBytes(java.nio.charset.StandardCharsets.UTF_8), false, List.of(workspaces), null,
                null, "rollout");
    }

    @Override
    public void close() {
        reloader.close();
        controller.close();
        eso.close();
        http.stop();
        cluster.close();
    }
}
