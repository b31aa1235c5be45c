package cloud.angryninja.keeper.bench;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

import cloud.angryninja.keeper.sandbox.OpenCodeProcess;

/**
 * The packaged jar ({@code java -jar target/quarkus-app/quarkus-run.jar}) with 2 workspaces (real
 * OpenCode servers, Secrets in a mock Kubernetes API, a WireMock Copilot API): time from process
 * start to {@code /q/health/ready} = 200, and resident memory (VmRSS) after 10 probe cycles.
 * Measured with default JVM flags and with the recommended ones. Run: {@code ./mvnw -B verify -Pbench}.
 */
class StartupBenchIT {

    static final List<String> RECOMMENDED = List.of("-XX:+UseSerialGC", "-Xmx48m", "-Xss512k", "-XX:TieredStopAtLevel=1",
            "-XX:ReservedCodeCacheSize=32m", "-XX:MaxMetaspaceSize=96m");

    @Test
    void startToReadyAndRssAfterTenCycles() throws Exception {
        Path root = Files.createTempDirectory("keeper-bench-");
        WireMockServer copilot = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        copilot.start();
        copilot.stubFor(get(urlEqualTo("/models")).willReturn(aResponse().withHeader("Content-Type", "application/json")
                .withBody("{\"data\":[{\"id\":\"gpt-5-mini\",\"model_picker_enabled\":true}]}")));
        KubernetesMockServer kubeServer = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        kubeServer.init(InetAddress.getLoopbackAddress(), 0);
        String auth = "{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"gho_bench\",\"access\":\"a\",\"expires\":0}}";
        List<OpenCodeProcess> servers = new ArrayList<>();
        try (KubernetesClient kube = kubeServer.createClient()) {
            List<String> props = new ArrayList<>(List.of(
                    "-Dkeeper.api.token=bench", "-Dkeeper.probe.interval=1s", "-Dkeeper.copilot.api-url=" + copilot.baseUrl(),
                    "-Dkubernetes.master=" + kube.getConfiguration().getMasterUrl(), "-Dkubernetes.auth.tryKubeConfig=false",
                    "-Dkubernetes.namespace=opencode"));
            for (String name : List.of("opencode-flux", "opencode-ha")) {
                OpenCodeProcess p = OpenCodeProcess.start(OpenCodeProcess.Options.of(root.resolve(name), "pw-" + name)
                        .withCopilotBaseUrl(copilot.baseUrl()).withAuthJson(auth), Duration.ofSeconds(90));
                servers.add(p);
                warmUp(p); // OpenCode boots its instance on the first /config/providers: not the keeper's start-up
                props.add("-Dkeeper.workspaces." + name + ".url=" + p.baseUri());
                props.add("-Dkeeper.workspaces." + name + ".password=pw-" + name);
                kube.secrets().inNamespace("opencode").resource(new SecretBuilder().withNewMetadata().withName(name + "-secret").endMetadata()
                        .addToData("COPILOT_AUTH_JSON", Base64.getEncoder().encodeToString(auth.getBytes(StandardCharsets.UTF_8))).build())
                        .create();
            }
            StringBuilder table = new StringBuilder("| JVM flags | start to ready | Quarkus \"started in\" | RSS after 10 cycles |\n|---|---:|---:|---:|\n");
            Path cds = root.resolve("keeper.jsa");
            List<String> withCds = new ArrayList<>(RECOMMENDED);
            withCds.addAll(List.of("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + cds));
            measure(withCds, props, root); // writes the class-data archive that the measured run below reads
            for (List<String> flags : List.of(List.<String>of(), RECOMMENDED, withCds)) {
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
            kubeServer.destroy();
        }
    }

    record Result(long readyMillis, String startedIn, long rssKib) {
    }

    private static Result measure(List<String> flags, List<String> props, Path root) throws Exception {
        int port = freePort();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(flags);
        cmd.addAll(props);
        cmd.addAll(List.of("-Dquarkus.http.port=" + port, "-jar", Path.of("target", "quarkus-app", "quarkus-run.jar").toString()));
        Path log = root.resolve("keeper-" + port + ".log");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofMillis(200)).build();
        long start = System.nanoTime();
        Process keeper = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            URI ready = URI.create("http://127.0.0.1:" + port + "/q/health/ready");
            long readyMillis = -1;
            while (System.nanoTime() - start < Duration.ofSeconds(60).toNanos() && keeper.isAlive()) {
                if (status(http, ready) == 200) {
                    readyMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
                    break;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
            }
            assertThat(readyMillis).as("ready within 60 s (log: " + log + ")").isPositive();
            URI metrics = URI.create("http://127.0.0.1:" + port + "/q/metrics");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (cycles(http, metrics) < 10 && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(100_000_000);
            }
            String m = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(cycles(http, metrics)).as("10 probe cycles").isGreaterThanOrEqualTo(10);
            assertThat(m).contains("opencode_keeper_copilot_credential_valid{workspace=\"opencode-flux\"} 1.0")
                    .contains("opencode_keeper_workspace_up{workspace=\"opencode-ha\"} 1.0");
            long rss = Files.readAllLines(Path.of("/proc", Long.toString(keeper.pid()), "status")).stream()
                    .filter(l -> l.startsWith("VmRSS:")).map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElseThrow();
            Matcher started = Pattern.compile("started in ([0-9.]+s)").matcher(Files.readString(log));
            return new Result(readyMillis, started.find() ? started.group(1) : "?", rss);
        } finally {
            keeper.destroy();
            keeper.waitFor();
        }
    }

    private static void warmUp(OpenCodeProcess p) throws Exception {
        String basic = "Basic " + Base64.getEncoder().encodeToString(("opencode:" + p.password()).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(p.baseUri().resolve("/config/providers")).timeout(Duration.ofSeconds(30))
                        .header("Authorization", basic).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
    }

    private static double cycles(HttpClient http, URI metrics) {
        try {
            String body = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = Pattern.compile("(?m)^opencode_keeper_probe_cycles_total ([0-9.]+)").matcher(body);
            return m.find() ? Double.parseDouble(m.group(1)) : 0;
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static int status(HttpClient http, URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMillis(500)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
