package cloud.angryninja.keeper.bench;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
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
 * The packaged keeper beside an empty Quarkus application with the same extensions ({@code bench/empty-app},
 * {@link EmptyApp}), started in alternating runs with the same JVM flags, the same system properties and the same
 * surroundings: two workspaces (real OpenCode servers), their Secrets in a mock Kubernetes API, a WireMock Copilot API.
 * Per run: the time from process start to {@code /q/health/ready} = 200, and the resident memory (VmRSS) after the
 * keeper's first 10 probe cycles ({@code keeper.probe.interval=1s}), the empty application's 10 s after it was ready.
 * Reported per flag set: medians and ranges of both, and the keeper's ratios to the empty application against the goals
 * (1.3 for ready, 1.15 for RSS). Alone: {@code ./mvnw -B verify -Pbench -Dtier=packaged -Dit.test=StartupBenchIT};
 * {@code -Dbench.runs=N} runs each application N times per flag set (5); {@code -Dbench.flags="-Xa -Xb|-Xc"} measures
 * the given flag sets (separated by {@code |}) instead of the default ones. In a set, {@code NAME=value} is an
 * environment variable, {@code @ARCHIVE@} the application's own class-data archive and {@code @AOT@} its own AOT cache.
 * Each flag set starts each application once before its runs, not counted: it writes the archive or the cache
 * ({@code -XX:AOTCacheOutput} for an AOT cache) and reads the jars of a fresh build from disk.
 */
@Tier.Packaged
class StartupBenchIT {

    /** The flags the README recommends and the JVM image sets. */
    static final List<String> RECOMMENDED = PackagedKeeper.RECOMMENDED_JVM_FLAGS;
    static final double READY_GOAL = 1.3;
    static final double RSS_GOAL = 1.15;
    /** The keeper's RSS is read after this many probe cycles; the empty application's this long after it was ready. */
    static final int CYCLES = 10;
    static final Duration SAME_WAIT = Duration.ofSeconds(10);
    /**
     * How often readiness is asked ({@code -Dbench.poll=MILLIS}, 20): each ask of an application not yet ready is
     * answered 503 with a log line, CPU the start-up itself then lacks on 2 CPUs; the figure is late by at most this.
     */
    static final Duration POLL = Duration.ofMillis(Long.getLong("bench.poll", 20));
    private static final Pattern CLASSES = Pattern.compile("(?m)^jvm_classes_loaded_classes\\S* ([0-9.E]+)");

    record Run(long readyMillis, String startedIn, long rssKib, long classes) {
    }

    /** A set of JVM flags with its name in the tables, and whether both applications run as {@code aot-jar}s. */
    record FlagSet(String name, List<String> flags, boolean aotJar) {
    }

    @Test
    void keeperBesideAnEmptyQuarkusApp() throws Exception {
        String loadBefore = loadAverage();
        Path emptyFastJar = EmptyApp.build();
        List<FlagSet> sets = flagSets();
        boolean aotJars = sets.stream().anyMatch(FlagSet::aotJar);
        Path keeperAotJar = aotJars ? EmptyApp.keeperAotJar() : null;
        Path emptyAotJar = aotJars ? EmptyApp.emptyAotJar() : null;
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
            int runs = Integer.getInteger("bench.runs", 5);
            StringBuilder table = new StringBuilder("""
                    | JVM flags | application | start to ready: median (range) | Quarkus "started in" (median) | RSS: median (range) | classes loaded (median) |
                    |---|---|---:|---:|---:|---:|
                    """);
            StringBuilder ratios = new StringBuilder("""
                    | JVM flags | ready, keeper / empty (goal <= %.2f) | RSS, keeper / empty (goal <= %.2f) |
                    |---|---:|---:|
                    """.formatted(READY_GOAL, RSS_GOAL));
            for (FlagSet set : sets) {
                List<String> flags = set.flags();
                Path keeperJar = set.aotJar() ? keeperAotJar : PackagedKeeper.JAR;
                Path emptyJar = set.aotJar() ? emptyAotJar : emptyFastJar;
                List<String> keeperFlags = forApp(flags, root, "keeper");
                List<String> emptyFlags = forApp(flags, root, "empty");
                // one start of each, not counted: it writes the archive or cache the runs read, and it reads the jars of a
                // fresh build from disk (the first start after a build took 2-3 times as long as the next ones)
                train(keeperJar, keeperFlags, props, root, true);
                train(emptyJar, emptyFlags, props, root, false);
                List<Run> keeper = new ArrayList<>();
                List<Run> empty = new ArrayList<>();
                for (int i = 0; i < runs; i++) { // alternating, each application first every other round
                    if (i % 2 == 0) {
                        keeper.add(measureKeeper(keeperJar, keeperFlags, props, root));
                        empty.add(measureEmpty(emptyJar, emptyFlags, props, root));
                    } else {
                        empty.add(measureEmpty(emptyJar, emptyFlags, props, root));
                        keeper.add(measureKeeper(keeperJar, keeperFlags, props, root));
                    }
                }
                String name = set.name();
                row(table, name, "keeper", keeper);
                row(table, name, "empty", empty);
                double ready = median(keeper, Run::readyMillis) / median(empty, Run::readyMillis);
                double rss = median(keeper, Run::rssKib) / median(empty, Run::rssKib);
                ratios.append("| %s | %.2f (%s) | %.2f (%s) |%n".formatted(name, ready, ready <= READY_GOAL ? "met" : "missed", rss,
                        rss <= RSS_GOAL ? "met" : "missed"));
            }
            String recommended = "Recommended flags: `" + String.join(" ", RECOMMENDED) + "`";
            String report = "Packaged keeper (2 workspaces) and the empty application, %d alternating runs each per flag set, %d CPUs, Java %s, load average %s before, %s after%n%n%s%n%n%s%n%s"
                    .formatted(runs, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), loadBefore, loadAverage(),
                            recommended, table, ratios);
            System.out.println("\n" + report);
            Files.createDirectories(Path.of("target", "bench"));
            Files.writeString(Path.of("target", "bench", "startup.md"), report);
        } finally {
            servers.forEach(OpenCodeProcess::close);
            copilot.stop();
        }
    }

    /**
     * Fast-jars with the recommended flags alone and with the JVM image's class-data archive, and (on JDK 25 or later)
     * {@code aot-jar}s with an AOT cache. Or the sets of {@code -Dbench.flags}; a set that starts with the word
     * {@code aot-jar} runs the {@code aot-jar}s (e.g. {@code "aot-jar -XX:+AutoCreateSharedArchive
     * -XX:SharedArchiveFile=@ARCHIVE@"}, an {@code aot-jar} with a class-data archive, which JDK 21 can run).
     */
    static List<FlagSet> flagSets() {
        String given = System.getProperty("bench.flags", "");
        if (!given.isBlank()) {
            return Arrays.stream(given.split("\\|")).map(s -> Arrays.stream(s.trim().split("\\s+")).filter(f -> !f.isEmpty()).toList())
                    .map(f -> {
                        boolean aotJar = !f.isEmpty() && f.get(0).equals("aot-jar");
                        List<String> flags = aotJar ? f.subList(1, f.size()) : f;
                        return new FlagSet((aotJar ? "aot-jar " : "") + (flags.isEmpty() ? "(defaults)" : "`" + String.join(" ", flags) + "`"),
                                flags, aotJar);
                    }).toList();
        }
        List<String> withCds = new ArrayList<>(RECOMMENDED);
        withCds.addAll(List.of("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=@ARCHIVE@"));
        List<String> withAot = new ArrayList<>(RECOMMENDED);
        withAot.add("-XX:AOTCache=@AOT@");
        List<FlagSet> sets = new ArrayList<>(List.of(new FlagSet("fast-jar, recommended", RECOMMENDED, false),
                new FlagSet("fast-jar, recommended + class-data archive (the JVM image today)", withCds, false)));
        if (Runtime.version().feature() >= 25) {
            sets.add(new FlagSet("aot-jar, recommended + AOT cache (JDK 25)", withAot, true));
        }
        return sets;
    }

    private static List<String> forApp(List<String> flags, Path root, String app) {
        return flags.stream().map(f -> f.replace("@ARCHIVE@", root.resolve(app + ".jsa").toString())
                .replace("@AOT@", root.resolve(app + ".aot").toString())).toList();
    }

    /** The flags of the start that writes the cache: {@code -XX:AOTCache=} becomes {@code -XX:AOTCacheOutput=}. */
    private static List<String> training(List<String> flags) {
        return flags.stream().map(f -> f.startsWith("-XX:AOTCache=") ? f.replace("-XX:AOTCache=", "-XX:AOTCacheOutput=") : f).toList();
    }

    /**
     * Starts the application with {@code flags} once, not measured: as a training run where the flags name an archive or
     * an AOT cache (the cache's {@code -XX:AOTCacheOutput}), up to ready and, for the keeper, {@link #CYCLES} probe cycles
     * (the empty application: {@link #SAME_WAIT}), so the archive or cache holds what the measured runs load up to the
     * same point; stops it and waits for the JVM to write the file (an AOT cache is assembled at exit, which takes a while
     * on 2 CPUs). Fails when the file is not there.
     */
    private static void train(Path jar, List<String> flags, List<String> props, Path root, boolean keeper) throws Exception {
        List<String> training = training(flags);
        PackagedKeeper app = start(jar, training, props, root);
        try {
            app.awaitReady(Duration.ofSeconds(120), POLL);
            if (keeper) {
                app.awaitCycles(CYCLES, Duration.ofSeconds(60));
            } else {
                long until = System.nanoTime() + SAME_WAIT.toNanos();
                await().atMost(SAME_WAIT.plusSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> System.nanoTime() >= until);
            }
        } finally {
            app.stop(Duration.ofMinutes(5));
        }
        for (String f : training) {
            for (String option : List.of("-XX:SharedArchiveFile=", "-XX:AOTCacheOutput=")) {
                if (f.startsWith(option)) {
                    Path file = Path.of(f.substring(option.length()));
                    assertThat(file).as("%s written by the training run (log %s)", file, app.logFile()).isNotEmptyFile();
                }
            }
        }
    }

    private static Run measureKeeper(Path jar, List<String> flags, List<String> props, Path root) throws Exception {
        try (PackagedKeeper keeper = start(jar, flags, props, root)) {
            long readyMillis = keeper.awaitReady(Duration.ofSeconds(60), POLL).toMillis();
            keeper.awaitCycles(CYCLES, Duration.ofSeconds(60));
            String metrics = keeper.metrics();
            assertThat(metrics).contains("opencode_keeper_copilot_credential_valid{workspace=\"opencode-flux\"} 1.0")
                    .contains("opencode_keeper_workspace_up{workspace=\"opencode-ha\"} 1.0");
            return report("keeper", flags, keeper, readyMillis, metrics);
        }
    }

    private static Run measureEmpty(Path jar, List<String> flags, List<String> props, Path root) throws Exception {
        try (PackagedKeeper app = start(jar, flags, props, root)) {
            long readyMillis = app.awaitReady(Duration.ofSeconds(60), POLL).toMillis();
            long until = System.nanoTime() + SAME_WAIT.toNanos();
            await().atMost(SAME_WAIT.plusSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> System.nanoTime() >= until);
            return report("empty", flags, app, readyMillis, app.metrics());
        }
    }

    private static PackagedKeeper start(Path jar, List<String> flags, List<String> props, Path root) throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        List<String> jvm = new ArrayList<>();
        for (String f : flags) {
            if (f.startsWith("-")) {
                jvm.add(f);
            } else {
                env.put(f.substring(0, f.indexOf('=')), f.substring(f.indexOf('=') + 1));
            }
        }
        return PackagedKeeper.start(jar, env, jvm, props, root);
    }

    private static Run report(String app, List<String> flags, PackagedKeeper process, long readyMillis, String metrics) {
        Matcher classes = CLASSES.matcher(metrics);
        Run r = new Run(readyMillis, process.startedIn().orElse("?"), process.rssKib(),
                classes.find() ? (long) Double.parseDouble(classes.group(1)) : -1);
        System.out.printf("%s %s: ready %d ms, started in %s, VmRSS %d KiB, RssAnon %d KiB, %d classes (log %s)%n", app, flags,
                r.readyMillis, r.startedIn, r.rssKib, process.rssAnonKib(), r.classes, process.logFile());
        return r;
    }

    private static void row(StringBuilder table, String flags, String app, List<Run> runs) {
        table.append("| %s | %s | %d ms (%d-%d) | %s | %.1f MiB (%.1f-%.1f) | %d |%n".formatted(flags, app, (long) median(runs, Run::readyMillis),
                min(runs, Run::readyMillis), max(runs, Run::readyMillis), medianStartedIn(runs), median(runs, Run::rssKib) / 1024,
                min(runs, Run::rssKib) / 1024.0, max(runs, Run::rssKib) / 1024.0, (long) median(runs, Run::classes)));
    }

    static double median(List<Run> runs, ToDoubleFunction<Run> value) {
        double[] v = runs.stream().mapToDouble(value).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static long min(List<Run> runs, ToDoubleFunction<Run> value) {
        return (long) runs.stream().mapToDouble(value).min().orElseThrow();
    }

    private static long max(List<Run> runs, ToDoubleFunction<Run> value) {
        return (long) runs.stream().mapToDouble(value).max().orElseThrow();
    }

    private static String medianStartedIn(List<Run> runs) {
        List<Run> known = runs.stream().filter(r -> !r.startedIn().equals("?"))
                .sorted(Comparator.comparingDouble(r -> Double.parseDouble(r.startedIn().replace("s", "")))).toList();
        return known.isEmpty() ? "?" : known.get(known.size() / 2).startedIn();
    }

    private static String loadAverage() {
        try {
            return String.join(" ", Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).split(" "), 3));
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    private static void warmUp(OpenCodeProcess p) throws Exception {
        String basic = OpenCodeClient.basicAuth("opencode", p.password());
        HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(p.baseUri().resolve("/config/providers")).timeout(Duration.ofSeconds(30))
                        .header("Authorization", basic).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
    }

    static {
        Locale.setDefault(Locale.ROOT); // decimal points in the report, whatever the machine's locale
    }
}
