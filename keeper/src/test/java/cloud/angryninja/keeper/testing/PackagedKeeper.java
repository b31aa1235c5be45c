package cloud.angryninja.keeper.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged keeper ({@code java [flags] [-Dprops] -jar target/quarkus-app/quarkus-run.jar}) as a
 * child process on a random loopback port, with its console in a log file. Used by the start-up
 * benchmark and by the tests that need the keeper as it is deployed (its own JVM, its own process
 * metrics).
 */
public final class PackagedKeeper implements AutoCloseable {

    public static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

    /**
     * What the package never holds: the sandbox module (a provided dependency) and the stand-ins it brings, by jar name
     * and by class path (PackagedAppIT, ContainerImageBuildIT).
     */
    public static final List<String> SANDBOX_JARS = List.of("opencode-keeper-sandbox", "wiremock", "kubernetes-server-mock",
            "mockwebserver");
    public static final List<String> SANDBOX_CLASSES = List.of("cloud/angryninja/keeper/sandbox/", "com/github/tomakehurst/wiremock/",
            "io/fabric8/mockwebserver/", "io/fabric8/kubernetes/client/server/mock/");

    /**
     * The JVM flags the README recommends, measured by the start-up benchmark, and set by the JVM
     * image (Dockerfile.jvm: JDK_JAVA_OPTIONS). Every one is known to JDK 21. The image adds a
     * class-data archive.
     */
    public static final List<String> RECOMMENDED_JVM_FLAGS = List.of("-XX:+UseSerialGC", "-Xms8m", "-Xmx32m",
            "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=20", "-Xss512k", "-XX:TieredStopAtLevel=1",
            "-XX:ReservedCodeCacheSize=32m", "-XX:MaxMetaspaceSize=96m", "-XX:+UnlockExperimentalVMOptions",
            "-XX:TrimNativeHeapInterval=5000");

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofMillis(500)).build();
    private static final Pattern CYCLES = Pattern.compile("(?m)^opencode_keeper_probe_cycles_total ([0-9.]+)");
    private static final Pattern STARTED_IN = Pattern.compile("started in ([0-9.]+s)");

    private final Process process;
    private final int port;
    private final Path log;
    private final long startNanos;

    private PackagedKeeper(Process process, int port, Path log, long startNanos) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.startNanos = startNanos;
    }

    /**
     * Starts the jar with {@code jvmFlags} (e.g. {@code -Xmx48m}) and {@code properties} (each
     * {@code -Dkey=value}) on a free loopback port; the log goes to {@code logDir}. Returns at once:
     * see {@link #awaitReady(Duration)}.
     */
    public static PackagedKeeper start(List<String> jvmFlags, List<String> properties, Path logDir) throws IOException {
        return start(Map.of(), jvmFlags, properties, logDir);
    }

    /** As {@link #start(List, List, Path)}, with {@code env} added to the process environment (e.g. {@code MALLOC_ARENA_MAX}). */
    public static PackagedKeeper start(Map<String, String> env, List<String> jvmFlags, List<String> properties, Path logDir)
            throws IOException {
        return start(JAR, env, jvmFlags, properties, logDir);
    }

    /**
     * As {@link #start(Map, List, List, Path)}, for another packaged Quarkus application's {@code quarkus-run.jar} (the
     * start-up benchmark's empty application): the same command line, the same log, the same readiness and RSS reads.
     */
    public static PackagedKeeper start(Path jar, Map<String, String> env, List<String> jvmFlags, List<String> properties, Path logDir)
            throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: run ./mvnw package (failsafe runs after it)");
        }
        int port = Loopback.freePort();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvmFlags);
        cmd.addAll(properties);
        cmd.addAll(githubOnTheCopilotStandIn(properties));
        cmd.addAll(List.of("-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port, "-jar", jar.toString()));
        Files.createDirectories(logDir);
        Path log = logDir.resolve((jar.equals(JAR) ? "keeper-" : "app-") + port + ".log");
        long start = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        return new PackagedKeeper(process, port, log, start);
    }

    /**
     * As the test profile does, a keeper given a Copilot stand-in ({@code keeper.copilot.api-url}) but no
     * {@code keeper.github.api-url} reads its quotas from the same stand-in (404 unless stubbed), never from github.com.
     */
    static List<String> githubOnTheCopilotStandIn(List<String> properties) {
        if (properties.stream().anyMatch(p -> p.startsWith("-Dkeeper.github.api-url="))) {
            return List.of();
        }
        return properties.stream().filter(p -> p.startsWith("-Dkeeper.copilot.api-url="))
                .map(p -> "-Dkeeper.github.api-url=" + p.substring("-Dkeeper.copilot.api-url=".length())).toList();
    }

    /**
     * Waits until {@code /q/health/ready} answers 200 and returns the time from process start to
     * that answer. Polls every 5 ms so the figure is a measurement; fails with the log when the
     * process exits or the deadline passes.
     */
    public Duration awaitReady(Duration atMost) {
        return awaitReady(atMost, Duration.ofMillis(5));
    }

    /** As {@link #awaitReady(Duration)}, polling every {@code poll}. */
    public Duration awaitReady(Duration atMost, Duration poll) {
        URI ready = uri("/q/health/ready");
        await("keeper ready on port " + port + " (log " + log + ")").atMost(atMost)
                .pollDelay(Duration.ZERO).pollInterval(poll)
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new AssertionError("the keeper exited with " + process.exitValue() + ":\n" + log());
                    }
                    return status(ready) == 200;
                });
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** Waits until the keeper has completed at least {@code cycles} probe cycles. */
    public void awaitCycles(int cycles, Duration atMost) {
        await("%d probe cycles of the keeper on port %d".formatted(cycles, port)).atMost(atMost)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> probeCycles() >= cycles);
    }

    public int port() {
        return port;
    }

    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The Prometheus text of {@code /q/metrics}. */
    public String metrics() {
        return get(uri("/q/metrics")).body();
    }

    /** {@code opencode_keeper_probe_cycles_total}, 0 while it cannot be read. */
    public double probeCycles() {
        try {
            Matcher m = CYCLES.matcher(metrics());
            return m.find() ? Double.parseDouble(m.group(1)) : 0;
        } catch (UncheckedIOException e) {
            return 0;
        }
    }

    /** Resident memory of the process now (VmRSS of {@code /proc/<pid>/status}), in KiB. */
    public long rssKib() {
        return procStatus("VmRSS");
    }

    /** Anonymous resident memory (heap, stacks, malloc; RssAnon), in KiB; the rest of VmRSS is mapped files and shmem. */
    public long rssAnonKib() {
        return procStatus("RssAnon");
    }

    private long procStatus(String field) {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status")).stream()
                    .filter(l -> l.startsWith(field + ":")).map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no " + field + " for pid " + process.pid()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Quarkus' own "started in" figure from the log, if it logged one. */
    public Optional<String> startedIn() {
        Matcher m = STARTED_IN.matcher(log());
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path logFile() {
        return log;
    }

    /** Kills the process at once (SIGKILL: no shutdown hook runs, nothing is released) and waits for it. */
    public void kill() {
        try {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the process (SIGTERM, then SIGKILL after 10 s) and waits for it. */
    @Override
    public void close() {
        stop(Duration.ofSeconds(10));
    }

    /**
     * Stops the process (SIGTERM) and waits up to {@code grace} for it to exit (e.g. while the JVM writes a class-data
     * archive or an AOT cache at exit); kills it after that.
     */
    public void stop(Duration grace) {
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static HttpResponse<String> get(URI uri) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int status(URI uri) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMillis(500)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
