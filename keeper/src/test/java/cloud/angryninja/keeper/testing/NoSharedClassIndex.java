package cloud.angryninja.keeper.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import org.junit.platform.launcher.LauncherDiscoveryListener;
import org.junit.platform.launcher.LauncherDiscoveryRequest;

/**
 * No test JVM shares Quarkus' index of the test classes with another: before a JUnit run discovers its tests, the index's
 * file, {@code target/test-classes/test-classes.idx}, is made a directory.
 *
 * <p>Preparing a {@code @QuarkusTest} application writes the index of the test classes to that file, and its build reads
 * it back. The test JVMs (the lanes, cloud.angryninja.keeper.lanes) discover their classes at the same moment, and a JVM
 * that read while another wrote got "Not a jandex index": JUnit could not load the class and left it out of the run
 * without a failure (seen once: the five tests of {@code DiscoveryTest} did not run). Where the file is a directory,
 * Quarkus' writer gives up (it ignores an I/O error) and its reader, unable to open it, indexes the test classes in memory
 * (milliseconds): each JVM has an index of its own, and the JVMs discover side by side. The directory holds a note, so
 * Quarkus' remover, run at each application's stop, fails on it (and is ignored) instead of deleting it. {@code NoSharedClassIndexTest}
 * holds Quarkus to both halves of that. Registered for every JUnit run of the module ({@code META-INF/services}), the
 * packaged tier's as well.
 */
public final class NoSharedClassIndex implements LauncherDiscoveryListener {

    @Override
    public void launcherDiscoveryStarted(LauncherDiscoveryRequest request) {
        makeDirectory(indexFile());
    }

    /** What the directory holds: it is not empty, so Quarkus' remover (at each application's stop) leaves it. */
    static final String NOTE = "Quarkus' index of the test classes is kept in memory by each test JVM: see cloud.angryninja.keeper.testing.NoSharedClassIndex.\n";

    /**
     * Makes the path a directory holding a note; a file there (an earlier build's index) is removed first. Another JVM may
     * do the same at the same moment.
     */
    static void makeDirectory(Path index) {
        try {
            if (Files.isRegularFile(index, LinkOption.NOFOLLOW_LINKS)) {
                Files.deleteIfExists(index);
            }
            Files.createDirectories(index);
            Path note = index.resolve("README");
            if (!Files.exists(note)) {
                Files.writeString(note, NOTE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + index + " a directory, where Quarkus writes the test classes' index", e);
        }
    }

    /** {@code target/test-classes/test-classes.idx}: where Quarkus keeps the index (TestClassIndexer). */
    static Path indexFile() {
        try {
            return Path.of(NoSharedClassIndex.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .resolve("test-classes.idx");
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
