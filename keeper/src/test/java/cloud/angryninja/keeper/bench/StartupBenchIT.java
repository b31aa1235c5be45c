package cloud.angryninja.keeper.bench;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import cloud.angryninja.keeper.opencode.OpenCodeClient;
import cloud.angryninja.keeper.sandbox.MockCluster;
import cloud.angryninja.keeper.sandbox.OpenCodeProcess;
import cloud.angryninja.keeper.testing.PackagedKeeper;
import cloud.angryninja.keeper.testing.Tier;

/**
 * The packaged jar ({@code java -jar target/quarkus-app/quarkus-run.jar}) with 2 workspaces (real
 * OpenCode servers, Secrets in a mock Kubernetes API, a WireMock Copilot API): time from process
 * start to {@code /q/health/ready} = 200, and resident memory (VmRSS) after 10 probe cycles.
 * Measured with default JVM flags and with the recommended ones. Run: {@code ./mvnw -B verify -Pbench}.
 * {@code -Dbench.flags="-Xa -Xb|-Xc"} measures the given flag sets (separated by {@code |}) instead; in a set,
 * {@code NAME=value} is an environment variable and {@code @ARCHIVE@} the class-data archive's path.
 */
@Tier.Packaged
class StartupBenchIT {

    /** The flags the README recommends and the JVM image sets. */
    static final List<String> RECOMMENDED = PackagedKeeper.RECOMMENDED_JVM_FLAGS;

    @Test
    void startToReadyAndRssAfterTenCycles() throws Exception {
        Path root = Files.createTempDirectory("keeper-bench-");
        WireMockServer copilot = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        copilot.start();
        copilot.stubFor(get(urlEqualTo("/models")).willReturn(aResponse().withHeader("Content-Type", "application/json")
                .withBody("{\"data\":[{\"id\":\"gpt-5-mini\",\"model_picker_enabled\":true}]}")));
        String auth = "{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"gho_bench\",\"access\":\"a\",\"expires\":0}}";
        List<OpenCodeProcess> servers = new ArrayList<>();
        try (MockCluster cluster = MockCluster.start()) {
            List<String> props = new ArrayList<>(List.of(
                    "-Dkeeper.api.token=bench", "-Dkeeper.probe.interval=1s", "-Dkeeper.copilot.api-url=" + copilot.baseUrl(),
                    "-Dkubernetes.master=" + cluster.client().getConfiguration().getMasterUrl(), "-Dkubernetes.auth.tryKubeConfig=false",
                    "-Dkubernetes.namespace=opencode"));
            for (String name : List.of("opencode-flux", "opencode-ha")) {
                OpenCodeProcess p = OpenCodeProcess.start(OpenCodeProcess.Options.of(root.resolve(name), "pw-" + name)
                        .withCopilotBaseUrl(copilot.baseUrl()).withAuthJson(auth), Duration.ofSeconds(90));
                servers.add(p);
                warmUp(p); // OpenCode boots its instance on the first /config/providers: not the keeper's start-up
                props.add("-Dkeeper.workspaces." + name + ".url=" + p.baseUri());
                props.add("-Dkeeper.workspaces." + name + ".password=pw-" + name);
                cluster.controllerClient().secrets().inNamespace("opencode")
                        .resource(MockCluster.secret("opencode", name + "-copilot", "COPILOT_AUTH_JSON", auth)).create();
            }
            StringBuilder table = new StringBuilder("| JVM flags | start to ready | Quarkus \"started in\" | RSS after 10 cycles |\n|---|---:|---:|---:|\n");
            for (List<String> flags : flagSets(root.resolve("keeper.jsa"))) {
                if (flags.stream().anyMatch(f -> f.startsWith("-XX:SharedArchiveFile="))) {
                    measure(flags, props, root); // writes the class-data archive that the measured run reads
                }
                Result r = measure(flags, props, root);
                table.append("| ").append(flags.isEmpty() ? "(defaults)" : "`" + String.join(" ", flags) + "`").append(" | ")
                        .append(r.readyMillis).append(" ms | ").append(r.startedIn).append(" | ").append(r.rssKib / 1024).append(" MiB |\n");
            }
            System.out.println("\nPackaged jar, 2 workspaces, " + Runtime.getRuntime().availableProcessors() + " CPUs, Java "
                    + System.getProperty("java.version") + "\n" + table);
            Files.createDirectories(Path.of("target", "bench"));
            Files.writeString(Path.of("target", "bench", "startup.md"), table.toString());
        } finally {
            servers.forEach(OpenCodeProcess::close);
            copilot.stop();
        }
    }

    /** Defaults, the recommended flags, and those with a class-data archive; or the sets of {@code -Dbench.flags}. */
    private static List<List<String>> flagSets(Path archive) {
        String given = System.getProperty("bench.flags", "");
        if (!given.isBlank()) {
            return Arrays.stream(given.split("\\|")).map(s -> Arrays.stream(s.trim().split("\\s+")).filter(f -> !f.isEmpty())
                    .map(f -> f.replace("@ARCHIVE@", archive.toString())).toList()).toList();
        }
        List<String> withCds = new ArrayList<>(RECOMMENDED);
        withCds.addAll(List.of("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + archive));
        return List.of(List.of(), RECOMMENDED, withCds);
    }

    record Result(long readyMillis, String startedIn, long rssKib, long rssAnonKib) {
    }

    private static Result measure(List<String> flags, List<String> props, Path root) throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        List<String> jvm = new ArrayList<>();
        for (String f : flags) {
            if (f.startsWith("-")) {
                jvm.add(f);
            } else {
                env.put(f.substring(0, f.indexOf('=')), f.substring(f.indexOf('=') + 1));
            }
        }
        try (PackagedKeeper keeper = PackagedKeeper.start(env, jvm, props, root)) {
            long readyMillis = keeper.awaitReady(Duration.ofSeconds(60)).toMillis();
            keeper.awaitCycles(10, Duration.ofSeconds(60));
            assertThat(keeper.metrics()).contains("opencode_keeper_copilot_credential_valid{workspace=\"opencode-flux\"} 1.0")
                    .contains("opencode_keeper_workspace_up{workspace=\"opencode-ha\"} 1.0");
            Result r = new Result(readyMillis, keeper.startedIn().orElse("?"), keeper.rssKib(), keeper.rssAnonKib());
            Matcher live = Pattern.compile("(?m)^jvm_gc_live_data_size_bytes\\S* ([0-9.E]+)").matcher(keeper.metrics());
            System.out.printf("%s: VmRSS %d KiB, RssAnon %d KiB, heap live after the last full GC %s bytes (log %s)%n", flags, r.rssKib,
                    r.rssAnonKib, live.find() ? live.group(1) : "?", keeper.logFile());
            return r;
        }
    }

    private static void warmUp(OpenCodeProcess p) throws Exception {
        String basic = OpenCodeClient.basicAuth("opencode", p.password());
        HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(p.baseUri().resolve("/config/providers")).timeout(Duration.ofSeconds(30))
                        .header("Authorization", basic).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
    }
}
