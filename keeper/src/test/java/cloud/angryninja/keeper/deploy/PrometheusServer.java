package cloud.angryninja.keeper.deploy;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import cloud.angryninja.keeper.manifests.Repo;
import cloud.angryninja.keeper.manifests.Tools;
import cloud.angryninja.keeper.manifests.Yaml;
import cloud.angryninja.keeper.testing.Loopback;

/**
 * A real Prometheus server (Debian's {@code prometheus} binary) on a random loopback port,
 * scraping the given targets with a generated configuration, queried through its HTTP API.
 * Meant for tests that check the dashboard's and the alerts' PromQL against live data.
 */
final class PrometheusServer implements AutoCloseable {

    /**
     * One scrape job: {@code hostPort} such as {@code 127.0.0.1:8080}, the metrics path, and labels
     * added to every series of the target (as Prometheus Operator adds {@code namespace}).
     */
    record Target(String job, String hostPort, String metricsPath, Map<String, String> labels) {
        Target {
            labels = Map.copyOf(labels);
        }

        Target(String job, String hostPort, String metricsPath) {
            this(job, hostPort, metricsPath, Map.of());
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final int port;
    private final Path log;

    private PrometheusServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts Prometheus in {@code dir} and waits until it is ready. {@code targets} gets the port
     * Prometheus will listen on, so a test can make it scrape itself.
     */
    static PrometheusServer start(Path dir, Duration scrapeInterval, IntFunction<List<Target>> targets) throws IOException {
        Path binary = Tools.require("prometheus");
        int port = Loopback.freePort();
        Path config = dir.resolve("prometheus.yml");
        Yaml.write(config, config(scrapeInterval, targets.apply(port)));
        Path log = dir.resolve("prometheus.log");
        Process process = new ProcessBuilder(binary.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        PrometheusServer server = new PrometheusServer(process, port, log);
        try {
            // Until it listens, a connection is refused (UncheckedIOException): not ready yet, under load for seconds.
            await("Prometheus ready on 127.0.0.1:" + port).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .ignoreExceptionsInstanceOf(java.io.UncheckedIOException.class)
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new AssertionError("prometheus exited with " + process.exitValue() + ":\n" + Repo.read(log));
                        }
                        return server.get("/-/ready").statusCode() == 200;
                    });
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
        return server;
    }

    int port() {
        return port;
    }

    /** {@code data.result} of an instant query; an error answer (e.g. a parse error) throws. */
    JsonNode query(String promql) {
        return query(promql, "");
    }

    /**
     * {@code data.result} of an instant query evaluated at {@code time} (which may lie ahead of
     * the last scrape: Prometheus then uses each series' latest sample within its 5 minute
     * look-back, as it would if nothing newer arrived).
     */
    JsonNode query(String promql, Instant time) {
        return query(promql, "&time=" + time.toEpochMilli() / 1000.0);
    }

    private JsonNode query(String promql, String extra) {
        HttpResponse<String> response = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8) + extra);
        JsonNode body;
        try {
            body = Yaml.JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON from Prometheus: " + response.body(), e);
        }
        if (!"success".equals(body.path("status").asText())) {
            throw new IllegalArgumentException("Prometheus rejected " + promql + ": " + body.path("errorType").asText()
                    + ": " + body.path("error").asText());
        }
        return body.path("data").path("result");
    }

    private HttpResponse<String> get(String pathAndQuery) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(5)).GET().build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    String log() {
        return Files.exists(log) ? Repo.read(log) : "";
    }

    private static ObjectNode config(Duration scrapeInterval, List<Target> targets) {
        ObjectNode config = Yaml.JSON.createObjectNode();
        String interval = scrapeInterval.toMillis() + "ms";
        config.putObject("global").put("scrape_interval", interval).put("evaluation_interval", interval);
        ArrayNode jobs = config.putArray("scrape_configs");
        for (Target target : targets) {
            ObjectNode job = jobs.addObject().put("job_name", target.job()).put("metrics_path", target.metricsPath());
            ObjectNode staticConfig = job.putArray("static_configs").addObject();
            staticConfig.putArray("targets").add(target.hostPort());
            if (!target.labels().isEmpty()) {
                ObjectNode labels = staticConfig.putObject("labels");
                target.labels().forEach(labels::put);
            }
        }
        return config;
    }
}
