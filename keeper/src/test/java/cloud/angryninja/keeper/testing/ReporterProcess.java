package cloud.angryninja.keeper.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import cloud.angryninja.keeper.manifests.Repo;
import cloud.angryninja.keeper.manifests.Tools;

/**
 * {@code k8s/components/opencode-workspace/report-credential.sh} run for real, as the workspace's sidecar runs it: under
 * the host's {@code sh} or under {@code busybox sh} with busybox's applets first on the PATH (as in alpine/git: awk,
 * sed, sha256sum, nc, timeout, ...). Either way {@code nc} is busybox's, the one alpine/git has. While it runs, every
 * process it starts can be watched: {@link #watchChildren()} samples their command lines and environments from
 * {@code /proc}, so a test can prove no secret is ever an argument.
 */
public final class ReporterProcess implements AutoCloseable {

    /** The script as the workspace component delivers it. */
    public static final Path SCRIPT = Repo.root().resolve("k8s/components/opencode-workspace/report-credential.sh");

    /** The busybox applets the script runs, as alpine/git has them. */
    static final List<String> APPLETS = List.of("awk", "sed", "sha256sum", "cut", "tr", "wc", "head", "date", "sleep", "timeout", "cat",
            "mkfifo", "mktemp", "rm");

    /** The two shells it must run under: the host's sh and busybox's ash. */
    public enum Shell {
        SH, BUSYBOX
    }

    private final Process process;
    private final Path log;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private volatile Thread watcher;

    private ReporterProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code script} with exactly {@code env} (plus the PATH described above), its output in {@code dir/reporter.log}. */
    public static ReporterProcess start(Shell shell, Path script, Map<String, String> env, Path dir) {
        return start(shell, script, env, dir, false);
    }

    /**
     * Starts it as {@link #start} does and watches every process it runs ({@link #watchChildren()}), with an {@code awk}
     * that lingers: the script's {@code awk} reads the entry out of auth.json in a few milliseconds, and a watch that
     * samples {@code /proc} missed it now and then on a loaded machine. The {@code awk} first on the PATH is then a
     * script that sleeps {@value #LINGER} s and runs the shell's {@code awk} (busybox's under busybox) with the same
     * arguments and environment, so what the watch sees is what {@code awk} gets.
     */
    public static ReporterProcess startWatched(Shell shell, Path script, Map<String, String> env, Path dir) {
        return start(shell, script, env, dir, true).watchChildren();
    }

    /** How long the watched {@code awk} waits before it runs, in seconds. */
    static final String LINGER = "0.3";

    private static ReporterProcess start(Shell shell, Path script, Map<String, String> env, Path dir, boolean lingeringAwk) {
        try {
            Path busybox = Tools.require("busybox");
            Path bin = Files.createDirectories(dir.resolve("reporter-bin"));
            link(bin.resolve("nc"), busybox);
            if (lingeringAwk) {
                String awk = shell == Shell.BUSYBOX ? busybox + " awk" : Tools.require("awk").toString();
                Path wrapper = bin.resolve("awk");
                Files.deleteIfExists(wrapper);
                Files.writeString(wrapper, "#!" + Tools.require("sh") + "\n" + Tools.require("sleep") + " " + LINGER + "\nexec " + awk
                        + " \"$@\"\n");
                wrapper.toFile().setExecutable(true);
            }
            if (shell == Shell.BUSYBOX) {
                for (String applet : APPLETS) {
                    link(bin.resolve(applet), busybox);
                }
            }
            List<String> command = new ArrayList<>(shell == Shell.SH ? List.of(Tools.require("sh").toString())
                    : List.of(busybox.toString(), "sh"));
            command.add(script.toString());
            Path log = dir.resolve("reporter.log");
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().clear();
            pb.environment().putAll(env);
            pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
            return new ReporterProcess(pb.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void link(Path link, Path target) throws IOException {
        if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(link, target);
        }
    }

    /** Everything it printed so far. */
    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Starts sampling, every millisecond or so, the command line and environment of every process the script runs. */
    private ReporterProcess watchChildren() {
        watcher = Thread.ofPlatform().daemon().name("reporter-watch").start(() -> {
            while (process.isAlive() && !Thread.currentThread().isInterrupted()) {
                process.descendants().forEach(p -> {
                    seen.add("cmdline " + read(p.pid(), "cmdline"));
                    seen.add("environ " + read(p.pid(), "environ"));
                });
                seen.add("cmdline " + read(process.pid(), "cmdline"));
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        return this;
    }

    /** What {@link #watchChildren()} saw: {@code "cmdline <args joined by spaces>"} and {@code "environ <...>"} lines. */
    public Set<String> seen() {
        return Set.copyOf(seen);
    }

    private static String read(long pid, String what) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), what)), StandardCharsets.UTF_8).replace('\0', ' ')
                    .strip();
        } catch (IOException e) {
            return ""; // the process ended meanwhile
        }
    }

    /** Stops the script and every process it started (its TERM trap ends it at the next poll). */
    @Override
    public void close() {
        Thread w = watcher;
        if (w != null) {
            w.interrupt();
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How long a test waits for a report: two polls and a request, on a loaded machine. */
    public static final Duration REPORT_WAIT = Duration.ofSeconds(10);
}
