package cloud.angryninja.keeper.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalInt;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.LauncherDiscoveryListener;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;

import cloud.angryninja.keeper.lanes.ProbeLane;
import cloud.angryninja.keeper.lanes.ReseedLane;
import cloud.angryninja.keeper.lanes.TreeLane;
import cloud.angryninja.keeper.lanes.WorkspaceLane;

/** The lock that keeps test JVMs from discovering at once ({@link OneDiscoveryAtATime}). */
@Tier.Unit
class OneDiscoveryAtATimeTest {

    @Test
    void everyJUnitRunOfTheModuleHasIt() {
        assertThat(ServiceLoader.load(LauncherDiscoveryListener.class).stream().map(p -> p.type().getName()))
                .contains(OneDiscoveryAtATime.class.getName());
    }

    @Test
    void theLockIsHeldFromTheFirstStartToTheLastFinishAndThenFree() throws Exception {
        // this test runs after its own run's discovery: the lock is free
        assertThat(OneDiscoveryAtATime.held()).isFalse();
        OneDiscoveryAtATime listener = new OneDiscoveryAtATime();
        var request = LauncherDiscoveryRequestBuilder.request().build();
        listener.launcherDiscoveryStarted(request);
        listener.launcherDiscoveryStarted(request); // a suite's discovery inside the run's
        try (FileChannel other = FileChannel.open(OneDiscoveryAtATime.lockFile(), StandardOpenOption.WRITE)) {
            assertThat(OneDiscoveryAtATime.held()).isTrue();
            // within one JVM a second lock of the file is refused at once (another JVM would wait)
            assertThatThrownBy(other::tryLock).isInstanceOf(OverlappingFileLockException.class);
            listener.launcherDiscoveryFinished(request);
            assertThat(OneDiscoveryAtATime.held()).as("the nested discovery ended, the run's goes on").isTrue();
            listener.launcherDiscoveryFinished(request);
            assertThat(OneDiscoveryAtATime.held()).isFalse();
            FileLock free = other.tryLock();
            assertThat(free).as("free for the next JVM").isNotNull();
            free.release();
        }
    }

    @Test
    void aLaneThatPreparesNoApplicationDoesNotWait() {
        OneDiscoveryAtATime listener = new OneDiscoveryAtATime();
        var tree = LauncherDiscoveryRequestBuilder.request().selectors(DiscoverySelectors.selectClass(TreeLane.class)).build();
        listener.launcherDiscoveryStarted(tree);
        assertThat(OneDiscoveryAtATime.held()).as("TreeLane starts no Quarkus application").isFalse();
        listener.launcherDiscoveryFinished(tree);
        var probe = LauncherDiscoveryRequestBuilder.request().selectors(DiscoverySelectors.selectClass(ProbeLane.class)).build();
        listener.launcherDiscoveryStarted(probe);
        assertThat(OneDiscoveryAtATime.held()).as("ProbeLane prepares one").isTrue();
        listener.launcherDiscoveryFinished(probe);
        assertThat(OneDiscoveryAtATime.held()).isFalse();
        assertThat(OneDiscoveryAtATime.isMarkedLane(TreeLane.class.getName())).isTrue();
        assertThat(OneDiscoveryAtATime.isMarkedLane(ProbeLane.class.getName())).isFalse();
        assertThat(OneDiscoveryAtATime.isMarkedLane(OneDiscoveryAtATimeTest.class.getName())).as("not a lane").isFalse();
    }

    @Test
    void aLaneTakesItsTurnFromItsAnnotationAndNothingElseHasOne() {
        assertThat(OneDiscoveryAtATime.turnOf(request(WorkspaceLane.class))).hasValue(1);
        assertThat(OneDiscoveryAtATime.turnOf(request(ReseedLane.class))).hasValue(2);
        assertThat(OneDiscoveryAtATime.turnOf(request(ProbeLane.class))).hasValue(3);
        assertThat(OneDiscoveryAtATime.turnOf(request(TreeLane.class))).as("prepares no application").isEmpty();
        assertThat(OneDiscoveryAtATime.turnOf(request(OneDiscoveryAtATimeTest.class))).as("-Dtest=SomeTest").isEmpty();
        assertThat(OneDiscoveryAtATime.turnOf(LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectClass(ProbeLane.class), DiscoverySelectors.selectClass(ReseedLane.class)).build()))
                .as("two lanes in one JVM (-Dtest.forks=1): no turn").isEqualTo(OptionalInt.empty());
    }

    @Test
    void aLaneWaitsForEarlierTurnsAndAfterTheFirstForTheGrace() {
        assertThat(OneDiscoveryAtATime.mustWait(1, false, true)).as("the first turn never waits for the grace").isFalse();
        assertThat(OneDiscoveryAtATime.mustWait(2, false, true)).isTrue();
        assertThat(OneDiscoveryAtATime.mustWait(2, false, false)).as("grace over, nobody earlier").isFalse();
        assertThat(OneDiscoveryAtATime.mustWait(3, true, false)).as("an earlier turn waits or discovers").isTrue();
    }

    @Test
    void onlyAHeldFileOfAnEarlierTurnCountsAndOneLeftByADeadJvmIsRemoved(@TempDir Path folder) throws Exception {
        assertThat(OneDiscoveryAtATime.earlierTurnWaits(folder.resolve("none"), 2)).as("no folder yet").isFalse();
        Path stale = Files.createFile(folder.resolve("turn-1-4242"));
        assertThat(OneDiscoveryAtATime.earlierTurnWaits(folder, 2)).as("nobody holds it").isFalse();
        assertThat(stale).doesNotExist();
        Files.createFile(folder.resolve("turn-notes-1"));
        assertThat(OneDiscoveryAtATime.earlierTurnWaits(folder, 2)).as("a file of another name is no turn").isFalse();
        try (FileChannel c = FileChannel.open(folder.resolve("turn-2-4343"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock held = c.lock()) {
            assertThat(OneDiscoveryAtATime.earlierTurnWaits(folder, 3)).isTrue();
            assertThat(OneDiscoveryAtATime.earlierTurnWaits(folder, 2)).as("the same turn").isFalse();
            assertThat(OneDiscoveryAtATime.earlierTurnWaits(folder, 1)).as("a later turn").isFalse();
            assertThat(folder.resolve("turn-2-4343")).as("a held file stays").exists();
        }
    }

    @Test
    void aLaterLaneDiscoversOnlyOnceTheEarlierLaneIsDone() throws Exception {
        assertThat(OneDiscoveryAtATime.held()).isFalse();
        Files.createDirectories(OneDiscoveryAtATime.turnsFolder());
        Path earlier = OneDiscoveryAtATime.turnsFolder().resolve("turn-1-" + Long.MAX_VALUE); // another JVM's lane of turn 1
        OneDiscoveryAtATime listener = new OneDiscoveryAtATime();
        var probe = request(ProbeLane.class);
        CompletableFuture<Void> discovering;
        try (FileChannel c = FileChannel.open(earlier, StandardOpenOption.CREATE, StandardOpenOption.WRITE); FileLock held = c.lock()) {
            discovering = CompletableFuture.runAsync(() -> listener.launcherDiscoveryStarted(probe));
            long waitMillis = 3000;
            assertThatThrownBy(() -> discovering.get(waitMillis, TimeUnit.MILLISECONDS)).as("ProbeLane (turn 3) waits for turn 1")
                    .isInstanceOf(TimeoutException.class);
            assertThat(OneDiscoveryAtATime.turnsFolder().resolve("turn-3-" + ProcessHandle.current().pid())).as("and says so").exists();
        } finally {
            Files.deleteIfExists(earlier);
        }
        discovering.get(10, TimeUnit.SECONDS);
        assertThat(OneDiscoveryAtATime.held()).as("its turn").isTrue();
        listener.launcherDiscoveryFinished(probe);
        assertThat(OneDiscoveryAtATime.held()).isFalse();
        assertThat(OneDiscoveryAtATime.turnsFolder().resolve("turn-3-" + ProcessHandle.current().pid())).as("its file is gone").doesNotExist();
    }

    private static org.junit.platform.launcher.LauncherDiscoveryRequest request(Class<?> lane) {
        return LauncherDiscoveryRequestBuilder.request().selectors(DiscoverySelectors.selectClass(lane)).build();
    }
}
