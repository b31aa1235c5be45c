package cloud.angryninja.keeper.deploy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.awaitility.Awaitility.await;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import cloud.angryninja.keeper.doppler.DopplerWireMock;
import cloud.angryninja.keeper.kube.ExternalSecrets;
import cloud.angryninja.keeper.kube.Rollouts;
import cloud.angryninja.keeper.reseed.ReseedFixture;
import cloud.angryninja.keeper.sandbox.FakeDeploymentController;
import cloud.angryninja.keeper.sandbox.FakeExternalSecretsOperator;
import cloud.angryninja.keeper.sandbox.MockCluster;
import cloud.angryninja.keeper.testing.Loopback;
import cloud.angryninja.keeper.testing.TestCredentials;

/**
 * The keeper as the cluster runs it, on loopback stand-ins: its configuration is the deployed
 * {@code application.properties} of k8s/ (every line of it, its {@code ${VAR}} expressions included), with only the
 * addresses moved to the stand-ins and the variables the pod's env would fill given as configuration. One workspace is
 * there, the other is missing, as on a cluster where its Kustomization failed:
 * <ul>
 * <li>{@value #PRESENT}: its password given, an OpenCode 1.18.33 stand-in (WireMock, basic auth), its ExternalSecret,
 * Secret (holding {@link #OLD}) and rolled-out Deployment in a mock Kubernetes API with ESO and Deployment-controller
 * stand-ins; a Copilot API stand-in that accepts {@link #OLD} and {@link #NEW}; a Doppler stand-in whose first write
 * answers 429 (Retry-After: 1) and the next 200, so a reseed goes through the retry guard;</li>
 * <li>{@value #MISSING}: no password (its Secret, which the pod's env reads with {@code optional: true}, does not
 * exist, so neither does the variable), its OpenCode on a closed port, none of its objects in the API.</li>
 * </ul>
 * Tests get this resource through a field annotated {@link World}.
 */
public class DeployedKeeperStandIns implements QuarkusTestResourceLifecycleManager {

    public static final String PRESENT = "opencode-flux";
    public static final String MISSING = "opencode-ha";
    public static final String NAMESPACE = "opencode";
    public static final String API_TOKEN = "deployed-keeper-api-token";
    public static final String DOPPLER_TOKEN = "dp.st.prd.DEPLOYED-keeper-0123456789";
    public static final String PASSWORD = "deployed-flux-password";
    public static final String OLD = "gho_DEPLOYEDold00000000";
    public static final String NEW = "gho_DEPLOYEDnew11111111";
    static final String MODELS = ReseedFixture.MODELS;
    static final String PROVIDERS = ReseedFixture.PROVIDERS;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Marks the test field that receives this resource. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface World {
    }

    private MockCluster cluster;
    private FakeExternalSecretsOperator eso;
    private FakeDeploymentController deployments;
    private WireMockServer http;
    private WireMockServer doppler;
    private KeeperConfig deployed;

    @Override
    public Map<String, String> start() {
        deployed = KeeperConfig.deployed();
        http = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        http.start();
        for (String token : new String[] {OLD, NEW}) {
            http.stubFor(get(urlEqualTo("/copilot/models")).withHeader("Authorization", equalTo("Bearer " + token))
                    .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(MODELS)));
        }
        String ws = "/" + PRESENT;
        http.stubFor(get(urlEqualTo(ws + "/global/health")).atPriority(9).willReturn(aResponse().withStatus(401)));
        http.stubFor(get(urlEqualTo(ws + "/global/health")).withBasicAuth("opencode", PASSWORD).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"healthy\":true,\"version\":\"1.18.33\"}")));
        http.stubFor(get(urlEqualTo(ws + "/config/providers")).withBasicAuth("opencode", PASSWORD).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(PROVIDERS)));
        http.stubFor(get(urlEqualTo(ws + "/project/current")).withBasicAuth("opencode", PASSWORD).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"id\":\"4b825dc642cb6eb9a060e54bf8d69288fbee4904\",\"worktree\":\"/workspace\",\"vcs\":\"git\"}")));
        http.stubFor(get(urlEqualTo(ws + "/global/event")).withBasicAuth("opencode", PASSWORD).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody("data: {\"type\":\"server.connected\",\"properties\":{}}\n\n")));

        String dopplerName = deployed.workspace(PRESENT, "doppler-secret");
        doppler = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        doppler.start();
        doppler.stubFor(get(urlPathEqualTo(DopplerWireMock.READ_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(JSON.createObjectNode().put("name", dopplerName)
                        .set("value", JSON.createObjectNode().put("raw", TestCredentials.authJson(OLD)).put("computed", TestCredentials.authJson(OLD)))
                        .toString())));
        doppler.stubFor(post(urlPathEqualTo(DopplerWireMock.WRITE_PATH)).inScenario("rate limit").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1").withHeader("Content-Type", "application/json")
                        .withBody("{\"messages\":[\"rate limited\"],\"success\":false}"))
                .willSetStateTo("retried"));
        doppler.stubFor(post(urlPathEqualTo(DopplerWireMock.WRITE_PATH)).inScenario("rate limit").whenScenarioStateIs("retried")
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("{\"success\":true}")));

        cluster = MockCluster.start();
        eso = new FakeExternalSecretsOperator(cluster.controllerClient(),
                name -> DopplerWireMock.latestValue(doppler, name).or(() -> Optional.of(TestCredentials.authJson(OLD)))).start();
        deployments = new FakeDeploymentController(cluster.controllerClient()).stepDelay(Duration.ofMillis(20)).start();
        String secret = deployed.workspace(PRESENT, "secret");
        String deployment = deployed.workspace(PRESENT, "deployment");
        cluster.controllerClient().genericKubernetesResources(ExternalSecrets.CONTEXT).inNamespace(NAMESPACE)
                .resource(MockCluster.externalSecret(NAMESPACE, deployed.workspace(PRESENT, "external-secret"), secret,
                        deployed.workspace(PRESENT, "secret-key"), dopplerName, "Periodic")).create();
        cluster.controllerClient().resource(MockCluster.secret(NAMESPACE, secret, deployed.workspace(PRESENT, "secret-key"),
                TestCredentials.authJson(OLD))).create();
        cluster.controllerClient().resource(MockCluster.deployment(NAMESPACE, deployment, secret, false)).create();
        await("the stand-in rollout of " + deployment).atMost(Duration.ofSeconds(10)).until(() -> Rollouts.isComplete(
                cluster.controllerClient().apps().deployments().inNamespace(NAMESPACE).withName(deployment).get()));

        Map<String, String> config = new HashMap<>();
        deployed.properties().forEach((k, v) -> config.put((String) k, (String) v));
        config.put("keeper.workspaces." + PRESENT + ".url", http.baseUrl() + ws);
        config.put("keeper.workspaces." + MISSING + ".url", "http://127.0.0.1:" + Loopback.freePort());
        config.put("keeper.copilot.api-url", http.baseUrl() + "/copilot");
        config.put("keeper.doppler.api-url", doppler.baseUrl());
        // What the pod's env fills from Secrets: the keeper's own, and the present workspace's password only.
        config.put("KEEPER_API_TOKEN", API_TOKEN);
        config.put("KEEPER_DOPPLER_TOKEN", DOPPLER_TOKEN);
        config.put(KeeperConfig.variable(deployed.workspace(PRESENT, "password")), PASSWORD);
        // The mock Kubernetes API: Quarkus's client settings for the application in the test's JVM, the fabric8
        // system properties for the packaged one (its client settings are fixed at build time; it gets these as -D).
        String master = cluster.client().getConfiguration().getMasterUrl();
        config.put("quarkus.kubernetes-client.api-server-url", master);
        config.put("quarkus.kubernetes-client.namespace", NAMESPACE);
        config.put("quarkus.kubernetes-client.trust-certs", "true");
        config.put("kubernetes.master", master);
        config.put("kubernetes.namespace", NAMESPACE);
        config.put("kubernetes.auth.tryKubeConfig", "false");
        config.put("kubernetes.auth.tryServiceAccount", "false");
        return config;
    }

    /** The deployed configuration the keeper runs with. */
    public KeeperConfig deployed() {
        return deployed;
    }

    public WireMockServer doppler() {
        return doppler;
    }

    public WireMockServer http() {
        return http;
    }

    public int dopplerWrites() {
        return doppler.findAll(postRequestedFor(urlPathEqualTo(DopplerWireMock.WRITE_PATH))).size();
    }

    /** The value the present workspace's Secret holds under its key. */
    public String secretValue() {
        var secret = cluster.controllerClient().secrets().inNamespace(NAMESPACE).withName(deployed.workspace(PRESENT, "secret")).get();
        return new String(Base64.getDecoder().decode(secret.getData().get(deployed.workspace(PRESENT, "secret-key"))), StandardCharsets.UTF_8);
    }

    /** Rollouts of the present workspace's Deployment the stand-in controller made since the start. */
    public int rollouts() {
        return deployments.rollouts(NAMESPACE, deployed.workspace(PRESENT, "deployment"));
    }

    /** Calls of the keeper that wrote to the Kubernetes API (anything but get, list, watch). */
    public long keeperWrites() {
        return cluster.calls().keeperCalls().stream().filter(c -> !java.util.Set.of("get", "list", "watch").contains(c.verb())).count();
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(this, new TestInjector.AnnotatedAndMatchesType(World.class, DeployedKeeperStandIns.class));
    }

    @Override
    public void stop() {
        for (AutoCloseable c : new AutoCloseable[] {deployments, eso, cluster}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // stand-ins of a finished test; nothing to keep
            }
        }
        if (http != null) {
            http.stop();
        }
        if (doppler != null) {
            doppler.stop();
        }
    }
}
