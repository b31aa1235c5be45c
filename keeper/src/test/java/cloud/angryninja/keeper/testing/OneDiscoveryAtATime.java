package cloud.angryninja.keeper.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.discovery.ClassSelector;
import org.junit.platform.launcher.LauncherDiscoveryListener;
import org.junit.platform.launcher.LauncherDiscoveryRequest;

/**
 * One test JVM at a time discovers its tests: the others wait for the lock on {@code target/test-discovery.lock}.
 * Discovering a {@code @QuarkusTest} class prepares its application, and each preparation writes the index of the test
 * classes to {@code target/test-classes/test-classes.idx} and reads it back: a JVM that read while another wrote got
 * "Not a jandex index", JUnit could not load the class and left it out of the run without a failure (seen once: the five
 * tests of {@code DiscoveryTest} did not run). The lanes (cloud.angryninja.keeper.lanes) discover every class of a lane
 * at its start, so the JVMs did that at the same moment (one at a time also orders their CPU-heavy builds well,
 * docs/development.md, "Lanes"). A discovery of lanes marked {@link NoQuarkusApplication} alone prepares no application
 * and does not wait. Registered for every JUnit run of the module ({@code META-INF/services}); a suite's discovery nested
 * in the run's is counted, not locked twice.
 */
public final class OneDiscoveryAtATime implements LauncherDiscoveryListener {

    private static int depth;
    private static FileChannel channel;
    private static FileLock lock;

    @Override
    public void launcherDiscoveryStarted(LauncherDiscoveryRequest request) {
        synchronized (OneDiscoveryAtATime.class) {
            if (depth++ == 0 && !preparesNoApplication(request)) {
                try {
                    channel = FileChannel.open(lockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    lock = channel.lock();
                } catch (IOException e) {
                    depth--;
                    throw new UncheckedIOException("cannot lock " + lockFile() + " for the test discovery", e);
                }
            }
        }
    }

    @Override
    public void launcherDiscoveryFinished(LauncherDiscoveryRequest request) {
        synchronized (OneDiscoveryAtATime.class) {
            if (depth > 0 && --depth == 0 && lock != null) {
                try {
                    lock.release();
                    channel.close();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot release " + lockFile(), e);
                } finally {
                    lock = null;
                    channel = null;
                }
            }
        }
    }

    /** The request selects classes alone, each a lane marked {@link NoQuarkusApplication}. */
    static boolean preparesNoApplication(LauncherDiscoveryRequest request) {
        List<ClassSelector> classes = request.getSelectorsByType(ClassSelector.class);
        return !classes.isEmpty() && request.getSelectorsByType(DiscoverySelector.class).size() == classes.size()
                && classes.stream().allMatch(c -> isMarkedLane(c.getClassName()));
    }

    /**
     * Only a lane is loaded to look at its annotation: a test class named with {@code -Dtest} is left to JUnit and Quarkus,
     * which load a {@code @QuarkusTest} class their own way.
     */
    static boolean isMarkedLane(String className) {
        if (!className.startsWith(LANES)) {
            return false;
        }
        try {
            return Class.forName(className, false, OneDiscoveryAtATime.class.getClassLoader()).isAnnotationPresent(NoQuarkusApplication.class);
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** The lanes' package (cloud.angryninja.keeper.lanes), by name: the lanes depend on this package, not the reverse. */
    static final String LANES = "cloud.angryninja.keeper.lanes.";

    /** Whether this JVM holds the lock now. */
    static synchronized boolean held() {
        return lock != null && lock.isValid();
    }

    /** {@code target/test-discovery.lock}: beside the test classes, where Quarkus writes their index. */
    static Path lockFile() {
        try {
            return Path.of(OneDiscoveryAtATime.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .resolveSibling("test-discovery.lock");
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
