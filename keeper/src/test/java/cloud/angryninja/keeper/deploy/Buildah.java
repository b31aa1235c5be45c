package cloud.angryninja.keeper.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import cloud.angryninja.keeper.manifests.Tools;

/**
 * buildah (Debian package) with its own storage in a temporary folder: vfs driver, chroot
 * isolation, so it works without Docker, overlayfs or a container runtime. {@link #close()} removes
 * every container and image and the folder.
 */
final class Buildah implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path buildah;
    private final Path storage;

    private Buildah(Path buildah, Path storage) {
        this.buildah = buildah;
        this.storage = storage;
    }

    static Buildah withTemporaryStorage() throws IOException {
        return new Buildah(Tools.require("buildah"), Files.createTempDirectory("keeper-buildah-"));
    }

    /** Runs {@code buildah <args>} against this storage; fails with its output unless it exits 0. */
    Tools.Result run(Duration timeout, String... args) {
        Tools.Result result = Tools.run(command(args), null, Map.of(), false, timeout);
        if (result.exitCode() != 0) {
            throw new AssertionError("buildah " + String.join(" ", args) + " exited " + result.exitCode() + ":\n" + tail(result.output()));
        }
        return result;
    }

    /** The full command line of {@code buildah <args>} against this storage, for a process the caller starts itself. */
    List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(buildah.toString(), "--root", storage.resolve("root").toString(),
                "--runroot", storage.resolve("runroot").toString(), "--storage-driver", "vfs"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** A new working container from {@code image}; its id. */
    String from(String image) {
        return run(Duration.ofMinutes(2), "from", "--pull-never", "--quiet", image).stdout().strip();
    }

    /** The root folder of a working container on this machine (vfs: a plain folder). */
    Path mount(String container) {
        return Path.of(run(Duration.ofMinutes(1), "mount", container).stdout().strip());
    }

    /** {@code buildah inspect} of an image or a container, as JSON. */
    JsonNode inspect(String type, String name) {
        try {
            return JSON.readTree(run(Duration.ofMinutes(1), "inspect", "--type", type, name).stdout());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A stand-in for a base image that cannot be pulled here, committed under each of {@code tags}:
     * this machine's JDK at {@code /usr/lib/jvm/java} with {@code java} on the PATH, busybox for the
     * shell and the few commands of the Dockerfiles' RUN steps and of mvnw, the shared libraries
     * they link, {@code /etc/passwd} with {@code user}, its home, a world-writable /tmp, and the
     * image's default user set to {@code user}, as the UBI OpenJDK images are.
     */
    void commitStandInBase(Path jdk, int uid, String user, String home, List<String> tags) throws IOException {
        String container = run(Duration.ofMinutes(1), "from", "--quiet", "scratch").stdout().strip();
        Path root = mount(container);
        Path busybox = Tools.require("busybox").toRealPath();
        Path javaHome = root.resolve("usr/lib/jvm/java");
        Files.createDirectories(javaHome.getParent());
        Tools.Result copy = Tools.run(Path.of("/"), Duration.ofMinutes(2), "cp", "-a", jdk.toString(), javaHome.toString());
        if (copy.exitCode() != 0) {
            throw new AssertionError("cp " + jdk + ": " + copy.output());
        }
        Files.deleteIfExists(javaHome.resolve("lib/src.zip"));
        Files.createDirectories(root.resolve("usr/bin"));
        Files.createSymbolicLink(root.resolve("usr/bin/java"), Path.of("../lib/jvm/java/bin/java"));
        Files.copy(busybox, root.resolve("usr/bin/busybox"));
        for (String applet : List.of("sh", "mkdir", "chown", "chmod", "uname", "unzip", "wget", "rm", "mv", "cp", "cat", "ls", "id",
                "find", "dirname", "basename", "tr", "sed", "head", "tail", "mktemp", "touch", "printf", "env")) {
            Files.createSymbolicLink(root.resolve("usr/bin").resolve(applet), Path.of("busybox"));
        }
        Files.createSymbolicLink(root.resolve("bin"), Path.of("usr/bin"));
        Set<String> libraries = new TreeSet<>();
        try (Stream<Path> files = Files.walk(jdk)) {
            for (Path file : Stream.concat(files.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".so") || Files.isExecutable(p)), Stream.of(busybox)).toList()) {
                libraries.addAll(linkedLibraries(file));
            }
        }
        // jansi (Maven's console) loads libutil at run time.
        libraries.add("/lib/x86_64-linux-gnu/libutil.so.1");
        for (String library : libraries) {
            Path source = Path.of(library).normalize();
            // The JDK's own libraries came with it.
            if (Files.exists(source) && !source.startsWith(jdk)) {
                Path target = root.resolve(source.toString().substring(1));
                Files.createDirectories(target.getParent());
                Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path etc = Files.createDirectories(root.resolve("etc"));
        Files.writeString(etc.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\n" + user + ":x:" + uid + ":0:" + user + ":" + home + ":/bin/sh\n");
        Files.writeString(etc.resolve("group"), "root:x:0:\n");
        Path tmp = Files.createDirectories(root.resolve("tmp"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
        Tools.run(Path.of("/"), Duration.ofSeconds(10), "chmod", "1777", tmp.toString());
        Path homeDir = Files.createDirectories(root.resolve(home.substring(1)));
        Tools.run(Path.of("/"), Duration.ofSeconds(10), "chown", uid + ":0", homeDir.toString());
        run(Duration.ofMinutes(1), "config", "--env", "PATH=/usr/local/bin:/usr/bin:/bin", "--env", "JAVA_HOME=/usr/lib/jvm/java",
                "--env", "HOME=" + home, "--user", Integer.toString(uid), "--workingdir", home, container);
        run(Duration.ofMinutes(1), "umount", container);
        run(Duration.ofMinutes(3), "commit", "--quiet", container, tags.getFirst());
        for (String tag : tags.subList(1, tags.size())) {
            run(Duration.ofMinutes(1), "tag", tags.getFirst(), tag);
        }
        run(Duration.ofMinutes(1), "rm", container);
    }

    private static final Pattern LIBRARY = Pattern.compile("(/\\S+\\.so[.\\d]*)\\s");

    private static List<String> linkedLibraries(Path elf) {
        Tools.Result ldd = Tools.run(null, Duration.ofSeconds(30), "ldd", elf.toString());
        List<String> found = new ArrayList<>();
        if (ldd.exitCode() == 0) {
            Matcher m = LIBRARY.matcher(ldd.stdout());
            while (m.find()) {
                found.add(m.group(1));
            }
        }
        return found;
    }

    /** Every path under {@code root} but {@code excluded} top folders, with type, owner, mode, size and modification time. */
    static Map<String, String> snapshot(Path root, Set<String> excluded) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                String relative = "/" + root.relativize(p);
                if (excluded.stream().anyMatch(e -> relative.equals(e) || relative.startsWith(e + "/"))) {
                    continue;
                }
                PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                files.put(relative, (a.isDirectory() ? "d" : a.isSymbolicLink() ? "l" : "f") + " " + a.owner().getName() + " "
                        + PosixFilePermissions.toString(a.permissions()) + " " + (a.isDirectory() ? "" : a.size() + " " + a.lastModifiedTime()));
            }
        }
        return files;
    }

    @Override
    public void close() throws IOException {
        Tools.run(command("rm", "--all"), null, Map.of(), false, Duration.ofMinutes(2));
        Tools.run(command("rmi", "--all", "--force"), null, Map.of(), false, Duration.ofMinutes(2));
        try (Stream<Path> walk = Files.walk(storage)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String tail(String output) {
        return output.length() <= 6000 ? output : "...\n" + output.substring(output.length() - 6000);
    }
}
