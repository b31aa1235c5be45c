package cloud.angryninja.keeper.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 *
 * <p>Lanes discover in the order of their {@link DiscoveryTurn}, whichever JVM comes first: a lane announces itself with a
 * file {@code target/test-discovery.turns/turn-<turn>-<pid>} that it holds locked until its discovery ends, and takes the
 * lock only when no lane of an earlier turn holds such a file. A lane after the first turn also gives the earlier ones
 * until {@link #GRACE} after its JVM started to announce themselves (surefire starts the test JVMs together, and each
 * reaches its discovery a second or two later, not at the same instant); a lane that is not in the run costs the later
 * ones the rest of that once. Surefire also discovers each lane in Maven's own JVM, one after the other, to see that it
 * holds tests: that JVM started long before, so it never waits there. A file whose JVM died is no longer locked: it is
 * removed and does not count.
 */
public final class OneDiscoveryAtATime implements LauncherDiscoveryListener {

    /** Until when after its JVM's start a lane after the first turn waits for the earlier turns to announce themselves. */
    static final Duration GRACE = Duration.ofSeconds(5);

    private static final Duration POLL = Duration.ofMillis(50);

    /** {@code turn-<turn>-<pid>}. */
    private static final Pattern TURN_FILE = Pattern.compile("turn-(\\d{1,9})-\\d+");

    private static int depth;
    private static FileChannel channel;
    private static FileLock lock;
    private static Path turnFile;
    private static FileChannel turnChannel;

    @Override
    public void launcherDiscoveryStarted(LauncherDiscoveryRequest request) {
        synchronized (OneDiscoveryAtATime.class) {
            if (depth++ == 0 && !preparesNoApplication(request)) {
                OptionalInt turn = turnOf(request);
                try {
                    if (turn.isPresent()) {
                        announce(turn.getAsInt());
                    }
                    channel = FileChannel.open(lockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    lock = awaitTurn(channel, turn);
                } catch (IOException e) {
                    depth--;
                    withdraw();
                    throw new UncheckedIOException("cannot lock " + lockFile() + " for the test discovery", e);
                } catch (InterruptedException e) {
                    depth--;
                    withdraw();
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting to discover", e);
                }
            }
        }
    }

    /** Takes the lock once no lane of an earlier turn waits or discovers (and, after the first turn, the JVM's grace is over). */
    private static FileLock awaitTurn(FileChannel channel, OptionalInt turn) throws IOException, InterruptedException {
        Instant graceEnds = ProcessHandle.current().info().startInstant().orElseGet(Instant::now).plus(GRACE);
        while (true) {
            FileLock taken = channel.lock();
            if (turn.isEmpty() || !mustWait(turn.getAsInt(), earlierTurnWaits(turnsFolder(), turn.getAsInt()), Instant.now().isBefore(graceEnds))) {
                return taken;
            }
            taken.release();
            Thread.sleep(POLL.toMillis());
        }
    }

    /** Pure: a lane waits while an earlier turn waits or discovers, and after the first turn while the grace lasts. */
    static boolean mustWait(int turn, boolean earlierWaits, boolean inGrace) {
        return earlierWaits || turn > 1 && inGrace;
    }

    /** Whether a lane of a turn before {@code turn} holds its file in {@code folder}; files left by dead JVMs are removed. */
    static boolean earlierTurnWaits(Path folder, int turn) throws IOException {
        if (!Files.isDirectory(folder)) {
            return false;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "turn-*")) {
            for (Path f : files) {
                Matcher name = TURN_FILE.matcher(f.getFileName().toString());
                if (!name.matches() || Integer.parseInt(name.group(1)) >= turn) {
                    continue; // not a turn file, or this lane's own turn or a later one
                }
                try (FileChannel c = FileChannel.open(f, StandardOpenOption.WRITE)) {
                    FileLock free = c.tryLock();
                    if (free == null) {
                        return true; // another JVM holds it
                    }
                    free.release();
                    Files.deleteIfExists(f); // its JVM is gone
                } catch (OverlappingFileLockException e) {
                    return true; // held in this JVM (a test standing in for another lane)
                } catch (NoSuchFileException e) {
                    // removed by its lane meanwhile
                }
            }
        }
        return false;
    }

    private static void announce(int turn) throws IOException {
        Files.createDirectories(turnsFolder());
        turnFile = turnsFolder().resolve("turn-" + turn + "-" + ProcessHandle.current().pid());
        turnChannel = FileChannel.open(turnFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        turnChannel.lock();
    }

    /** Gives up this lane's turn file (its lock goes with the channel). */
    private static void withdraw() {
        try {
            if (turnChannel != null) {
                turnChannel.close();
            }
            if (turnFile != null) {
                Files.deleteIfExists(turnFile);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + turnFile, e);
        } finally {
            turnChannel = null;
            turnFile = null;
        }
    }

    /** The {@link DiscoveryTurn} of the request's one lane, if it selects exactly one lane that has one. */
    static OptionalInt turnOf(LauncherDiscoveryRequest request) {
        List<ClassSelector> classes = request.getSelectorsByType(ClassSelector.class);
        if (classes.size() != 1 || request.getSelectorsByType(DiscoverySelector.class).size() != 1) {
            return OptionalInt.empty();
        }
        Class<?> lane = lane(classes.get(0).getClassName());
        DiscoveryTurn turn = lane == null ? null : lane.getAnnotation(DiscoveryTurn.class);
        return turn == null ? OptionalInt.empty() : OptionalInt.of(turn.value());
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
                    withdraw();
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
        Class<?> lane = lane(className);
        return lane != null && lane.isAnnotationPresent(NoQuarkusApplication.class);
    }

    /** The lane of this name, loaded without initialising it; null for a class outside the lanes' package. */
    private static Class<?> lane(String className) {
        if (!className.startsWith(LANES)) {
            return null;
        }
        try {
            return Class.forName(className, false, OneDiscoveryAtATime.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    /** The lanes' package (cloud.angryninja.keeper.lanes), by name: the lanes depend on this package, not the reverse. */
    static final String LANES = "cloud.angryninja.keeper.lanes.";

    /** Whether this JVM holds the lock now. */
    static synchronized boolean held() {
        return lock != null && lock.isValid();
    }

    /** {@code target/test-discovery.turns}: the lanes' turn files. */
    static Path turnsFolder() {
        return lockFile().resolveSibling("test-discovery.turns");
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
