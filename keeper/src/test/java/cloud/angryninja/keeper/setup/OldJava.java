package cloud.angryninja.keeper.setup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import cloud.angryninja.keeper.manifests.Tools;

/**
 * A Java older than 21 on this machine (the Debian default {@code /usr/bin/java} 17, or one under
 * {@code /usr/lib/jvm}), for the checks that an old Java is refused with one line. None fails the test with how to
 * install one (scripts/test installs Debian openjdk-17-jre-headless).
 */
final class OldJava {

    /** The java command and its feature version. */
    record Jvm(Path java, int feature) {

        /** The JVM's home: the folder above bin/. */
        Path home() {
            return java.getParent().getParent();
        }
    }

    private OldJava() {
    }

    static Jvm require() {
        List<Path> candidates = new ArrayList<>();
        candidates.add(Path.of("/usr/bin/java"));
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> dirs = Files.list(jvms)) {
                dirs.sorted().map(d -> d.resolve("bin/java")).forEach(candidates::add);
            } catch (IOException e) {
                throw new AssertionError("cannot list " + jvms + ": " + e.getMessage(), e);
            }
        }
        for (Path candidate : candidates) {
            if (Files.isExecutable(candidate)) {
                Optional<Integer> feature = feature(candidate);
                if (feature.isPresent() && feature.get() < 21) {
                    return new Jvm(real(candidate), feature.get());
                }
            }
        }
        throw new AssertionError("no Java older than 21 on this machine (/usr/bin/java, /usr/lib/jvm/*): install the Debian package "
                + "openjdk-17-jre-headless (scripts/test does)");
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            throw new AssertionError("cannot resolve " + p + ": " + e.getMessage(), e);
        }
    }

    private static Optional<Integer> feature(Path java) {
        Tools.Result r = Tools.run(null, Duration.ofSeconds(30), java.toString(), "-XshowSettings:properties", "-version");
        return r.output().lines().map(String::strip).filter(l -> l.startsWith("java.specification.version = "))
                .map(l -> l.substring("java.specification.version = ".length())).findFirst()
                .map(v -> Integer.parseInt(v.startsWith("1.") ? v.substring(2) : v));
    }
}
