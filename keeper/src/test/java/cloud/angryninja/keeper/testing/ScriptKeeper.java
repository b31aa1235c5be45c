package cloud.angryninja.keeper.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import com.sun.net.httpserver.HttpServer;

import cloud.angryninja.keeper.manifests.Repo;
import cloud.angryninja.keeper.manifests.Tools;

/**
 * {@code scripts/reseed} run for real (sh, the real curl) against a loopback stand-in of the keeper that records
 * every request (method, path, query, headers, body) and answers in plain text as the keeper does; the workspace's
 * report-credential sidecar reports to the same stand-in ({@code ReportCredentialScriptTest}). A {@code curl}
 * wrapper first on the script's PATH records curl's arguments, then runs the real curl.
 */
public final class ScriptKeeper implements AutoCloseable {

    /** One request the stand-in received. */
    public record Received(String method, String path, String query, Map<String, List<String>> headers, String body) {
    }

    /** What the stand-in answers: a status and a plain-text body. */
    public record Answer(int status, String body) {
    }

    private final HttpServer server;
    private final Path dir;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    private ScriptKeeper(Path dir, int port, Function<Received, Answer> answers) throws IOException {
        this.dir = dir;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/", exchange -> {
            Received r = new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestURI().getRawQuery(), Map.copyOf(exchange.getRequestHeaders()),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            received.add(r);
            Answer a = answers.apply(r);
            byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain;charset=UTF-8");
            exchange.sendResponseHeaders(a.status(), out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        server.start();
        Path wrapper = Files.createDirectories(dir.resolve("bin")).resolve("curl");
        Files.writeString(wrapper, "#!/bin/sh\nprintf '%s\\n' \"$@\" >> \"" + curlArgsFile() + "\"\nexec "
                + Tools.require("curl") + " \"$@\"\n");
        wrapper.toFile().setExecutable(true);
    }

    /** Starts the stand-in; {@code dir} holds the curl wrapper, its record, and the script's HOME ({@code dir/home}). */
    public static ScriptKeeper start(Path dir, Function<Received, Answer> answers) throws IOException {
        return new ScriptKeeper(dir, 0, answers);
    }

    /** As {@link #start(Path, Function)}, on this loopback port (a keeper that comes back where it was). */
    public static ScriptKeeper start(Path dir, int port, Function<Received, Answer> answers) throws IOException {
        return new ScriptKeeper(dir, port, answers);
    }

    public List<Received> received() {
        return received;
    }

    /** The stand-in's base URL, as {@code KEEPER_URL}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private Path curlArgsFile() {
        return dir.resolve("curl-args");
    }

    /** Every argument curl was given, one a line, over all its runs. */
    public String curlArgs() throws IOException {
        return Files.readString(curlArgsFile());
    }

    /**
     * Runs {@code sh scripts/reseed args...} in {@code dir} with PATH (the wrapper first), HOME, KEEPER_URL and
     * KEEPER_API_TOKEN={@code token}, then {@code env} (an empty value removes the variable); checks that none of
     * {@code secrets} (the token among them) is in the output or on curl's command line.
     */
    public Tools.Result run(String token, Map<String, String> env, List<String> args, String... secrets) {
        Map<String, String> all = new HashMap<>(Map.of(
                "PATH", dir.resolve("bin") + ":" + System.getenv("PATH"),
                "HOME", dir.resolve("home").toString(),
                "KEEPER_URL", url(),
                "KEEPER_API_TOKEN", token));
        all.putAll(env);
        all.values().removeIf(String::isEmpty);
        List<String> command = new ArrayList<>(List.of(Tools.require("sh").toString(), Repo.root().resolve("scripts/reseed").toString()));
        command.addAll(args);
        Tools.Result r = Tools.run(command, dir, all, true, Duration.ofSeconds(60));
        List<String> hidden = new ArrayList<>(List.of(secrets));
        hidden.add(token);
        String curl;
        try {
            curl = Files.exists(curlArgsFile()) ? curlArgs() : "";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        for (String secret : hidden) {
            assertThat(r.output()).as("output").doesNotContain(secret);
            assertThat(curl).as("curl's command line").doesNotContain(secret);
        }
        return r;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
