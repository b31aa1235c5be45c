package cloud.angryninja.keeper.reseed;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import cloud.angryninja.keeper.sandbox.OpenCodeProcess;
import cloud.angryninja.keeper.testing.Loopback;
import cloud.angryninja.keeper.testing.TestCredentials;

/**
 * Real parts for reseed {@code @QuarkusTest}s: a WireMock Copilot API that accepts {@link #OLD_TOKEN} and
 * {@link #NEW_TOKEN} and refuses {@link #REVOKED_TOKEN}, and the workspaces {@code alpha} and {@code beta} as real
 * OpenCode 1.18.33 servers started with the old auth.json. {@link #restart} plays a pod start: the server is started
 * again, on the same port, with the auth.json its Secret now holds (as the workspace's init container seeds it).
 */
public class RealOpenCodeWorkspaces implements QuarkusTestResourceLifecycleManager {

    public static final String OLD_TOKEN = "gho_E2Eold0000aaaa";
    public static final String NEW_TOKEN = "gho_E2Enew1111bbbb";
    public static final String REVOKED_TOKEN = "gho_E2Erevoked2222";
    public static final List<String> WORKSPACES = List.of("alpha", "beta");

    /** Injects this resource into a test field. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface World {
    }

    private WireMockServer copilot;
    private Path root;
    private final Map<String, OpenCodeProcess> servers = new ConcurrentHashMap<>();
    private final Map<String, Integer> starts = new ConcurrentHashMap<>();

    @Override
    public Map<String, String> start() {
        copilot = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        copilot.start();
        String models = "{\"data\":[{\"id\":\"gpt-5-mini\",\"model_picker_enabled\":true}]}";
        for (String token : List.of(OLD_TOKEN, NEW_TOKEN)) {
            copilot.stubFor(get(urlEqualTo("/models")).withHeader("Authorization", equalTo("Bearer " + token))
                    .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(models)));
        }
        copilot.stubFor(get(urlEqualTo("/models")).withHeader("Authorization", equalTo("Bearer " + REVOKED_TOKEN))
                .willReturn(aResponse().withStatus(401).withBody("{\"message\":\"Bad credentials\"}")));
        try {
            root = Files.createTempDirectory("keeper-reseed-");
            Map<String, String> config = new HashMap<>();
            List<CompletableFuture<Void>> starting = WORKSPACES.stream().map(w -> CompletableFuture.runAsync(() -> {
                int port = Loopback.freePort();
                start(w, TestCredentials.authJson(OLD_TOKEN), port);
                synchronized (config) {
                    config.put("keeper.workspaces." + w + ".url", "http://127.0.0.1:" + port);
                    config.put("keeper.workspaces." + w + ".password", "pw-" + w);
                }
            })).toList();
            starting.forEach(CompletableFuture::join);
            config.put("keeper.copilot.api-url", copilot.baseUrl());
            config.put("keeper.copilot.timeout", "3s");
            config.put("keeper.probe.timeout", "5s");
            config.put("keeper.reseed.sync-timeout", "15s");
            config.put("keeper.reseed.rollout-timeout", "60s");
            config.put("keeper.reseed.reloader-grace", "2s");
            config.put("keeper.reseed.verify-timeout", "30s");
            config.put("keeper.reseed.verify-interval", "500ms");
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the workspace's server and starts it again on its port with this auth.json. */
    public void restart(String workspace, String authJson) {
        OpenCodeProcess old = servers.get(workspace);
        int port = old.port();
        old.close();
        start(workspace, authJson, port);
    }

    /** How many times the workspace's server has started. */
    public int starts(String workspace) {
        return starts.getOrDefault(workspace, 0);
    }

    /** The auth.json the workspace's running server has now (as it was started with, or as it wrote it since). */
    public String authJsonOf(String workspace) {
        try {
            return Files.readString(authJsonPath(workspace));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where the workspace's running server keeps its auth.json ({@code $XDG_DATA_HOME/opencode/auth.json}). */
    public Path authJsonPath(String workspace) {
        return OpenCodeProcess.authJsonPath(servers.get(workspace).root());
    }

    /** The workspace's running server. */
    public OpenCodeProcess server(String workspace) {
        return servers.get(workspace);
    }

    /** The Copilot API stand-in every workspace's OpenCode and the keeper call. */
    public WireMockServer copilot() {
        return copilot;
    }

    private void start(String workspace, String authJson, int port) {
        Path dir = root.resolve(workspace + "-" + starts.getOrDefault(workspace, 0));
        try {
            OpenCodeProcess p = OpenCodeProcess.start(OpenCodeProcess.Options.of(dir, "pw-" + workspace)
                    .withCopilotBaseUrl(copilot.baseUrl()).withAuthJson(authJson).withPort(port), Duration.ofSeconds(90));
            servers.put(workspace, p);
            starts.merge(workspace, 1, Integer::sum);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(this, new TestInjector.AnnotatedAndMatchesType(World.class, RealOpenCodeWorkspaces.class));
    }

    @Override
    public void stop() {
        servers.values().forEach(OpenCodeProcess::close);
        if (copilot != null) {
            copilot.stop();
        }
        if (root != null) {
            try (Stream<Path> paths = Files.walk(root)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // temporary folder; best effort
            }
        }
    }
}
