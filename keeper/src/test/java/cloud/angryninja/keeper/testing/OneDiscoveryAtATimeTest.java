package cloud.angryninja.keeper.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.StandardOpenOption;
import java.util.ServiceLoader;

import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.LauncherDiscoveryListener;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;

import cloud.angryninja.keeper.lanes.ProbeLane;
import cloud.angryninja.keeper.lanes.TreeLane;

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
}
