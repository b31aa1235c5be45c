package cloud.angryninja.keeper.probe;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import cloud.angryninja.keeper.sandbox.OpenCodeProcess;
import cloud.angryninja.keeper.testing.Loopback;
import cloud.angryninja.keeper.testing.TestCredentials;

/**
 * Real parts for a {@code @QuarkusTest}: a WireMock stand-in of the Copilot API and real OpenCode
 * 1.18.33 servers on loopback, shared by the whole test class. Workspaces:
 * <ul>
 * <li>{@code seeded}: OpenCode started with auth.json holding {@link #SEEDED_TOKEN}, right password, in a git
 * repository (as a workspace's clone);</li>
 * <li>{@code bare}: OpenCode without auth.json, right password, in a folder that is no repository;</li>
 * <li>{@code wrongpw}: the seeded server with a wrong password;</li>
 * <li>{@code down}: a loopback port nobody listens on;</li>
 * <li>with arg {@code standIns=true} also {@code next}: a stand-in of OpenCode 2.x's routes, and
 * {@code future}: a 1.x route set reporting version 2.0.3 ({@link OpenCode2StandIn}).</li>
 * </ul>
 * Args: {@code passwordPrefix} (default {@code pw-}), {@code seededToken}, {@code standIns}.
 */
public class RealWorkspacesResource implements QuarkusTestResourceLifecycleManager {

    /** Injects the Copilot stand-in into a test field. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface CopilotStub {
    }

    public static final String SEEDED_TOKEN_DEFAULT = "gho_seededAtStart";

    private WireMockServer copilot;
    private OpenCodeProcess seeded;
    private OpenCodeProcess bare;
    private Path root;
    private String passwordPrefix = "pw-";
    private String seededToken = SEEDED_TOKEN_DEFAULT;
    private boolean standIns;
    private WireMockServer openCode2;
    private WireMockServer future;

    @Override
    public void init(Map<String, String> initArgs) {
        passwordPrefix = initArgs.getOrDefault("passwordPrefix", passwordPrefix);
        seededToken = initArgs.getOrDefault("seededToken", seededToken);
        standIns = Boolean.parseBoolean(initArgs.getOrDefault("standIns", "false"));
    }

    @Override
    public Map<String, String> start() {
        copilot = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        copilot.start();
        try {
            root = Files.createTempDirectory("keeper-test-");
            String copilotBase = copilot.baseUrl();
            String auth = TestCredentials.authJson(seededToken);
            CompletableFuture<OpenCodeProcess> s = CompletableFuture.supplyAsync(() -> start(OpenCodeProcess.Options
                    .of(root.resolve("seeded"), passwordPrefix + "seeded").withCopilotBaseUrl(copilotBase).withAuthJson(auth)
                    .withGitRepository()));
            CompletableFuture<OpenCodeProcess> b = CompletableFuture.supplyAsync(() -> start(OpenCodeProcess.Options
                    .of(root.resolve("bare"), passwordPrefix + "bare").withCopilotBaseUrl(copilotBase)));
            seeded = s.join();
            bare = b.join();
            Map<String, String> config = new HashMap<>();
            config.put("keeper.copilot.api-url", copilotBase);
            config.put("keeper.copilot.timeout", "2s");
            config.put("keeper.github.timeout", "2s"); // the quota calls; the API is the Copilot stand-in (application.properties)
            config.put("keeper.probe.timeout", "5s");
            workspace(config, "seeded", seeded.baseUri().toString(), seeded.password());
            workspace(config, "bare", bare.baseUri().toString(), bare.password());
            workspace(config, "wrongpw", seeded.baseUri().toString(), passwordPrefix + "wrong");
            workspace(config, "down", "http://127.0.0.1:" + Loopback.freePort(), "unused");
            config.put("keeper.probe.confirm-delay", "300ms");
            if (standIns) {
                openCode2 = OpenCode2StandIn.openCode2();
                future = OpenCode2StandIn.withVersion("2.0.3");
                workspace(config, "next", openCode2.baseUrl(), "pw-next");
                workspace(config, "future", future.baseUrl(), "pw-future");
                config.put("keeper.probe.rate-limit-window", "10s");
                config.put("keeper.probe.interval", "1h"); // only the first cycle at start: call counts stay exact
            }
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void workspace(Map<String, String> config, String name, String url, String password) {
        config.put("keeper.workspaces." + name + ".url", url);
        config.put("keeper.workspaces." + name + ".password", password);
    }

    private static OpenCodeProcess start(OpenCodeProcess.Options options) {
        try {
            return OpenCodeProcess.start(options, Duration.ofSeconds(90));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(copilot, new TestInjector.AnnotatedAndMatchesType(CopilotStub.class, WireMockServer.class));
    }

    @Override
    public void stop() {
        for (AutoCloseable c : List.<AutoCloseable>of(() -> {
            if (seeded != null) {
                seeded.close();
            }
        }, () -> {
            if (bare != null) {
                bare.close();
            }
        }, () -> {
            if (copilot != null) {
                copilot.stop();
            }
        }, () -> {
            if (openCode2 != null) {
                openCode2.stop();
            }
        }, () -> {
            if (future != null) {
                future.stop();
            }
        }, () -> {
            if (root != null) {
                try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
                    paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        })) {
            try {
                c.close();
            } catch (Exception e) {
                // keep stopping the others
            }
        }
    }
}
