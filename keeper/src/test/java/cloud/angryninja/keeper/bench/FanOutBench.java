package cloud.angryninja.keeper.bench;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

import cloud.angryninja.keeper.copilot.CopilotChecker;
import cloud.angryninja.keeper.opencode.OpenCodeClient;
import cloud.angryninja.keeper.probe.HeldCredentials;
import cloud.angryninja.keeper.probe.PlainProber;
import cloud.angryninja.keeper.probe.ProbeResult;
import cloud.angryninja.keeper.probe.Prober;
import cloud.angryninja.keeper.probe.WorkspaceState;
import cloud.angryninja.keeper.testing.TestWorkspaces;
import cloud.angryninja.keeper.testing.Tier;
import cloud.angryninja.keeper.workspace.Workspace;
import cloud.angryninja.keeper.workspace.Workspaces;
import cloud.angryninja.keeper.testing.UnreachableWorkspace;

/**
 * Probe fan-out: time per cycle with 2, 50 and 500 simulated workspaces whose OpenCode and
 * Copilot answers take 50 ms (WireMock), each with its own credential in a Kubernetes Secret
 * (fabric8 mock server), at the default {@code keeper.probe.concurrency} of 64.
 * Run: {@code ./mvnw -B verify -Pbench}.
 */
// @QuarkusTest: the keeper's REST clients are built by the Quarkus application (their implementations are generated at
// build time); the test resource is the one shared by the tests that need no workspace of the application's own.
@Tier.Unit
@QuarkusTest
@WithTestResource(UnreachableWorkspace.class)
class FanOutBench {

    static final int LATENCY_MS = 50;
    /** The default of keeper.probe.concurrency, and a wider setting. */
    static final int[] CONCURRENCY = {64, 256};
    static final String PROVIDERS = "{\"providers\":[{\"id\":\"github-copilot\",\"source\":\"custom\",\"options\":{\"apiKey\":\"\"},"
            + "\"models\":{\"gpt-5-mini\":{},\"claude-sonnet-4.6\":{}}}],\"default\":{}}";
    static final String PROJECT = "{\"id\":\"2f6755bb87b03596f71505820a2d29500af08029\",\"worktree\":\"/workspace\",\"vcs\":\"git\"}";

    @Test
    void cycleTimeAt2And50And500Workspaces() throws Exception {
        WireMockServer upstream = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")
                .containerThreads(400).asynchronousResponseEnabled(true).asynchronousResponseThreads(64).disableRequestJournal());
        upstream.start();
        KubernetesMockServer kubeServer = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        kubeServer.init(InetAddress.getLoopbackAddress(), 0);
        try (KubernetesClient kube = kubeServer.createClient()) {
            upstream.stubFor(get(urlPathMatching("/ws/\\d+/global/health")).willReturn(aResponse().withFixedDelay(LATENCY_MS)
                    .withHeader("Content-Type", "application/json").withBody("{\"healthy\":true,\"version\":\"1.18.33\"}")));
            upstream.stubFor(get(urlPathMatching("/ws/\\d+/config/providers")).willReturn(aResponse().withFixedDelay(LATENCY_MS)
                    .withHeader("Content-Type", "application/json").withBody(PROVIDERS)));
            upstream.stubFor(get(urlPathMatching("/ws/\\d+/project/current")).willReturn(aResponse().withFixedDelay(LATENCY_MS)
                    .withHeader("Content-Type", "application/json").withBody(PROJECT)));
            upstream.stubFor(get(urlPathMatching("/copilot/models")).willReturn(aResponse().withFixedDelay(LATENCY_MS)
                    .withHeader("Content-Type", "application/json").withBody("{\"data\":[{\"id\":\"gpt-5-mini\",\"model_picker_enabled\":true}]}")));

            List<Workspace> all = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                Workspace w = TestWorkspaces.named("ws-" + i, upstream.baseUrl() + "/ws/" + i, Optional.of("pw"), "opencode");
                String auth = "{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"gho_bench" + i + "\",\"access\":\"a\",\"expires\":0}}";
                kube.secrets().inNamespace("opencode").resource(new SecretBuilder().withNewMetadata().withName(w.secret()).endMetadata()
                        .addToData(w.secretKey(), Base64.getEncoder().encodeToString(auth.getBytes(StandardCharsets.UTF_8))).build()).create();
                all.add(w);
            }
            Workspaces workspaces = new Workspaces(all);
            StringBuilder table = new StringBuilder("| concurrency | workspaces | cycle (median of 5) | slowest of 5 |\n|---:|---:|---:|---:|\n");
            for (int concurrency : CONCURRENCY) {
                PlainProber parts = PlainProber.of(workspaces, new OpenCodeClient(Duration.ofSeconds(10)),
                        new CopilotChecker(URI.create(upstream.baseUrl() + "/copilot"), Duration.ofSeconds(10), "2026-06-01", "bench"),
                        kube, HeldCredentials.NONE, concurrency);
                Prober prober = parts.prober();

                prober.runCycle(all); // warm-up: JIT, connections
            
                for (int n : new int[] {2, 50, 500}) {
                    List<Workspace> some = all.subList(0, n);
                    List<Long> millis = new ArrayList<>();
                    for (int run = 0; run < 5; run++) {
                        millis.add(prober.runCycle(some).duration().toMillis());
                    }
                    for (Workspace w : some) {
                        WorkspaceState s = parts.states().of(w.name()).orElseThrow();
                        assertThat(List.of(s.up(), s.copilotProvider(), s.credential())).as(w.name())
                                .allMatch(r -> r.outcome() == ProbeResult.Outcome.PASS);
                    }
                    List<Long> sorted = millis.stream().sorted().toList();
                    table.append("| ").append(concurrency).append(" | ").append(n).append(" | ").append(sorted.get(2)).append(" ms | ").append(sorted.get(4)).append(" ms |\n");
                }
            }
            System.out.println("\nProbe fan-out, " + LATENCY_MS + " ms upstream latency, "
                    + Runtime.getRuntime().availableProcessors() + " CPUs, Java " + System.getProperty("java.version") + "\n" + table);
            java.nio.file.Files.createDirectories(java.nio.file.Path.of("target", "bench"));
            java.nio.file.Files.writeString(java.nio.file.Path.of("target", "bench", "fan-out.md"), table.toString());
        } finally {
            upstream.stop();
            kubeServer.destroy();
        }
    }
}
