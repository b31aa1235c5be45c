package cloud.angryninja.keeper.sandbox;

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
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One real {@code opencode serve} process on loopback, with its own HOME and XDG folders under a
 * root folder, the way a workspace pod runs it: auth.json at {@code $XDG_DATA_HOME/opencode/auth.json}.
 *
 * <p>Used by the dev sandbox and the tests. Never part of the production build's behaviour.
 */
public final class OpenCodeProcess implements AutoCloseable {

    public static final String USERNAME = "opencode";

    private final Process process;
    private final Path root;
    private final int port;
    private final String password;

    private OpenCodeProcess(Process process, Path root, int port, String password) {
        this.process = process;
        this.root = root;
        this.port = port;
        this.password = password;
    }

    /** What to start: the root folder, the server password, and optionally a Copilot stand-in. */
    public record Options(Path root, String password, String copilotBaseUrl, String authJson, Map<String, String> env) {
        public Options {
            env = env == null ? Map.of() : Map.copyOf(env);
        }

        public static Options of(Path root, String password) {
            return new Options(root, password, null, null, Map.of());
        }

        public Options withCopilotBaseUrl(String url) {
            return new Options(root, password, url, authJson, env);
        }

        /** auth.json text written to {@code $XDG_DATA_HOME/opencode/auth.json} before start. */
        public Options withAuthJson(String json) {
            return new Options(root, password, copilotBaseUrl, json, env);
        }

        public Options withEnv(Map<String, String> extra) {
            return new Options(root, password, copilotBaseUrl, authJson, extra);
        }
    }

    public static Path dataHome(Path root) {
        return root.resolve("data");
    }

    public static Path authJsonPath(Path root) {
        return dataHome(root).resolve("opencode").resolve("auth.json");
    }

    /** Starts the server and waits until {@code /global/health} answers (at most {@code timeout}). */
    public static OpenCodeProcess start(Options options, Duration timeout) throws IOException {
        Path binary = OpenCodeInstall.require();
        Path root = options.root();
        Path home = root.resolve("home");
        Path config = root.resolve("config");
        Path workspace = root.resolve("workspace");
        for (Path dir : new Path[] {home, dataHome(root).resolve("opencode"), config.resolve("opencode"),
                root.resolve("state"), root.resolve("cache"), workspace}) {
            Files.createDirectories(dir);
        }
        StringBuilder json = new StringBuilder("{\"autoupdate\":false,\"share\":\"disabled\"");
        if (options.copilotBaseUrl() != null) {
            json.append(",\"provider\":{\"github-copilot\":{\"options\":{\"baseURL\":\"")
                    .append(options.copilotBaseUrl()).append("\"}}}");
        }
        json.append('}');
        Files.writeString(config.resolve("opencode").resolve("opencode.json"), json.toString());
        if (options.authJson() != null) {
            Files.writeString(authJsonPath(root), options.authJson());
        }

        int port = freePort();
        ProcessBuilder pb = new ProcessBuilder(binary.toString(), "serve", "--port", Integer.toString(port), "--hostname", "127.0.0.1")
                .directory(workspace.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("opencode.log").toFile()));
        Map<String, String> env = pb.environment();
        env.put("HOME", home.toString());
        env.put("XDG_DATA_HOME", dataHome(root).toString());
        env.put("XDG_CONFIG_HOME", config.toString());
        env.put("XDG_STATE_HOME", root.resolve("state").toString());
        env.put("XDG_CACHE_HOME", root.resolve("cache").toString());
        env.put("OPENCODE_SERVER_PASSWORD", options.password());
        env.remove("OPENCODE_SERVER_USERNAME");
        env.remove("GITHUB_TOKEN");
        env.putAll(new HashMap<>(options.env()));
        OpenCodeProcess server = new OpenCodeProcess(pb.start(), root, port, options.password());
        try {
            server.awaitHealthy(timeout);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    public String password() {
        return password;
    }

    public Path root() {
        return root;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    private void awaitHealthy(Duration timeout) throws IOException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        String basic = "Basic " + Base64.getEncoder().encodeToString((USERNAME + ":" + password).getBytes(StandardCharsets.UTF_8));
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("opencode serve exited with code " + process.exitValue() + " (log: " + root.resolve("opencode.log") + ")");
            }
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(baseUri().resolve("/global/health"))
                        .header("Authorization", basic).timeout(Duration.ofSeconds(2)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"healthy\":true")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for opencode serve", e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for opencode serve", e);
            }
        }
        throw new IOException("opencode serve did not become healthy within " + timeout + " (log: " + root.resolve("opencode.log") + ")");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Stops the server and every process it started. */
    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
