package cloud.angryninja.keeper.sandbox;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One real {@code opencode serve} process on loopback, with its own HOME and XDG folders under a
 * root folder, the way a workspace pod runs it: auth.json at {@code $XDG_DATA_HOME/opencode/auth.json}.
 *
 * <p>Used by the dev sandbox and the tests. Never part of the production build.
 */
public final class OpenCodeProcess implements AutoCloseable {

    public static final String USERNAME = "opencode";

    /**
     * Where OpenCode says it listens, the first loopback URL it prints ({@code serve}: "opencode server listening on
     * http://127.0.0.1:4096", {@code web}: "Web interface: http://127.0.0.1:4096/"); with {@code --port 0} the only
     * place its port is told.
     */
    private static final Pattern LISTENING = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)");

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

    /**
     * What to start: the root folder (log file; the HOME/XDG layout unless {@code container} is
     * given), the server password, and optionally a Copilot stand-in.
     */
    public record Options(Path root, String password, String copilotBaseUrl, String authJson, Map<String, String> env,
            Container container, int port, boolean gitRepository) {
        public Options {
            env = env == null ? Map.of() : Map.copyOf(env);
        }

        public static Options of(Path root, String password) {
            return new Options(root, password, null, null, Map.of(), null, 0, false);
        }

        public Options withCopilotBaseUrl(String url) {
            return new Options(root, password, url, authJson, env, container, port, gitRepository);
        }

        /** auth.json text written to {@code $XDG_DATA_HOME/opencode/auth.json} before start. */
        public Options withAuthJson(String json) {
            return new Options(root, password, copilotBaseUrl, json, env, container, port, gitRepository);
        }

        public Options withEnv(Map<String, String> extra) {
            return new Options(root, password, copilotBaseUrl, authJson, extra, container, port, gitRepository);
        }

        /** Listen on this loopback port (0, the default: a free one), e.g. to restart a server where clients expect it. */
        public Options withPort(int fixedPort) {
            return new Options(root, password, copilotBaseUrl, authJson, env, container, fixedPort, gitRepository);
        }

        /**
         * The server's working directory is a git repository with one commit (made with the {@code git} on the PATH
         * unless it is one already), as a workspace's clone is: OpenCode then sees it as its project.
         */
        public Options withGitRepository() {
            return new Options(root, password, copilotBaseUrl, authJson, env, container, port, true);
        }

        /**
         * Starts the server the way a container spec does: exactly {@code container.env()} (plus
         * PATH), in {@code container.workingDir()}, with {@code container.args()} after the binary (or
         * after {@code container.command()}).
         * The launcher prepares no folders and writes no files; the listener is moved to loopback
         * and a free port.
         */
        public Options withContainer(Container spec) {
            return new Options(root, password, copilotBaseUrl, authJson, env, spec, port, gitRepository);
        }
    }

    /**
     * A container's view of the server: its command (empty: the image's entrypoint, the binary itself), the arguments
     * after it, environment, working directory. A command finds {@code opencode} on the environment's PATH.
     */
    public record Container(List<String> command, List<String> args, Map<String, String> env, Path workingDir) {
        public Container {
            command = List.copyOf(command);
            args = List.copyOf(args);
            env = Map.copyOf(env);
        }

        /** The image's entrypoint (the binary) with {@code args}. */
        public Container(List<String> args, Map<String, String> env, Path workingDir) {
            this(List.of(), args, env, workingDir);
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
        if (options.container() != null) {
            return startAsContainer(options, timeout);
        }
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
        OpenCodeInstall.providePluginDependencies(config.resolve("opencode")); // else OpenCode installs it (slower)
        if (options.authJson() != null) {
            Files.writeString(authJsonPath(root), options.authJson());
        }
        if (options.gitRepository() && !Files.exists(workspace.resolve(".git"))) {
            initRepository(workspace, home);
        }

        // port 0: OpenCode binds a free port itself (4096 when free) and says which, so no other process can take it
        // between a choice here and its bind (test JVMs start servers side by side)
        int port = Math.max(options.port(), 0);
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
        env.putAll(LEAN_JIT);
        env.putAll(new HashMap<>(options.env()));
        return launch(pb, root, port, options.password(), timeout);
    }

    /**
     * What a server started here runs with, unless its options say otherwise: JavaScriptCore (OpenCode's Bun) without its
     * optimising tier (FTL). A test or sandbox server lives seconds to minutes and runs little code often; FTL's
     * compilations cost it more CPU than they give back (a start to the first instance: 3.28 against 2.87 CPU seconds,
     * mean of 6 alternating starts). Behaviour is the same; what measures OpenCode as the image runs it (its memory) starts
     * it with {@code BUN_JSC_useFTLJIT=1}. A container start takes its environment from the spec alone.
     */
    public static final Map<String, String> LEAN_JIT = Map.of("BUN_JSC_useFTLJIT", "0");

    /** Whether an executable {@code git} is on this process's PATH (what {@link Options#withGitRepository()} runs). */
    public static boolean gitOnPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "git"))) {
                return true;
            }
        }
        return false;
    }

    /** {@code git init} and one commit of a README in {@code dir}, with the git on the PATH and no user or system config. */
    private static void initRepository(Path dir, Path home) throws IOException {
        Files.writeString(dir.resolve("README.md"), "A workspace repository.\n");
        for (List<String> args : List.of(List.of("init", "-q"), List.of("add", "README.md"), List.of("commit", "-q", "-m", "first"))) {
            List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=opencode", "-c", "user.email=opencode@localhost",
                    "-c", "init.defaultBranch=main", "-c", "commit.gpgSign=false"));
            command.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
            pb.environment().put("HOME", home.toString());
            pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
            Process git;
            try {
                git = pb.start();
            } catch (IOException e) {
                throw new IOException("git is needed to make the workspace a repository and is not on the PATH", e);
            }
            try {
                String output = new String(git.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                if (!git.waitFor(30, TimeUnit.SECONDS) || git.exitValue() != 0) {
                    throw new IOException("git " + args.get(0) + " in " + dir + " failed: " + output.strip());
                }
            } catch (InterruptedException e) {
                git.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while making the workspace a repository", e);
            }
        }
    }

    private static OpenCodeProcess startAsContainer(Options options, Duration timeout) throws IOException {
        if (options.copilotBaseUrl() != null || options.authJson() != null || !options.env().isEmpty() || options.gitRepository()) {
            throw new IllegalArgumentException("a container start takes its whole environment from the container spec");
        }
        Container spec = options.container();
        Path binary = OpenCodeInstall.require();
        Files.createDirectories(options.root());
        int port = 0; // OpenCode binds a free port and says which (start)
        List<String> command = new ArrayList<>(spec.command().isEmpty() ? List.of(binary.toString()) : spec.command());
        command.addAll(onLoopback(spec.args(), port));
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(spec.workingDir().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(options.root().resolve("opencode.log").toFile()));
        Map<String, String> env = pb.environment();
        String path = env.get("PATH");
        env.clear();
        if (path != null) {
            env.put("PATH", path);
        }
        env.putAll(spec.env());
        return launch(pb, options.root(), port, options.password(), timeout);
    }

    /** The container's arguments with its --hostname and --port replaced by loopback and {@code port}. */
    static List<String> onLoopback(List<String> args, int port) {
        List<String> result = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if ((arg.equals("--hostname") || arg.equals("--port")) && i + 1 < args.size()) {
                i++;
            } else if (!arg.startsWith("--hostname=") && !arg.startsWith("--port=")) {
                result.add(arg);
            }
        }
        result.addAll(List.of("--hostname", "127.0.0.1", "--port", Integer.toString(port)));
        return result;
    }

    private static OpenCodeProcess launch(ProcessBuilder pb, Path root, int port, String password, Duration timeout)
            throws IOException {
        Path log = root.resolve("opencode.log");
        long logStart = Files.exists(log) ? Files.size(log) : 0;
        Instant deadline = Instant.now().plus(timeout);
        Process process = pb.start();
        try {
            int listening = port > 0 ? port : announcedPort(process, log, logStart, deadline);
            OpenCodeProcess server = new OpenCodeProcess(process, root, listening, password);
            server.awaitHealthy(Duration.between(Instant.now(), deadline));
            return server;
        } catch (IOException | RuntimeException e) {
            stop(process);
            throw e;
        }
    }

    /** The port of the first "listening on" line the process writes to its log after {@code logStart}. */
    private static int announcedPort(Process process, Path log, long logStart, Instant deadline) throws IOException {
        while (Instant.now().isBefore(deadline)) {
            if (Files.exists(log) && Files.size(log) > logStart) {
                byte[] all = Files.readAllBytes(log);
                String written = new String(all, (int) logStart, all.length - (int) logStart, java.nio.charset.StandardCharsets.UTF_8);
                Matcher m = LISTENING.matcher(written);
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
            }
            if (!process.isAlive()) {
                throw new IOException("opencode exited with code " + process.exitValue() + " before it listened (log: " + log + ")");
            }
            sleep(50);
        }
        throw new IOException("opencode did not say where it listens before its deadline (log: " + log + ")");
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for opencode serve", e);
        }
    }

    /** The operating-system process id of the server (its children are the instance workers, if any). */
    public long pid() {
        return process.pid();
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

    /** The {@code Authorization} header value of a request to this server (HTTP basic, user {@value #USERNAME}). */
    public String authorization() {
        return "Basic " + java.util.Base64.getEncoder().encodeToString((USERNAME + ":" + password)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public Path root() {
        return root;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    private void awaitHealthy(Duration timeout) throws IOException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        String basic = authorization();
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

    /** Stops the server and every process it started. */
    @Override
    public void close() {
        stop(process);
    }

    private static void stop(Process process) {
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
