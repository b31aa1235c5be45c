package cloud.angryninja.keeper.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;

import org.jboss.jandex.DotName;
import org.jboss.jandex.Index;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.LauncherDiscoveryListener;

import io.quarkus.test.common.TestClassIndexer;

@Tier.Unit
class NoSharedClassIndexTest {

    @Test
    void everyJUnitRunOfTheModuleHasIt() {
        assertThat(ServiceLoader.load(LauncherDiscoveryListener.class).stream().map(p -> p.type().getName()))
                .contains(NoSharedClassIndex.class.getName());
        // this test runs after its own run's discovery
        assertThat(NoSharedClassIndex.indexFile()).isDirectory().hasFileName("test-classes.idx");
    }

    @Test
    void anEarlierBuildsIndexFileBecomesADirectory(@TempDir Path classes) throws Exception {
        Path index = classes.resolve("test-classes.idx");
        Files.writeString(index, "an index an earlier build wrote");
        NoSharedClassIndex.makeDirectory(index);
        assertThat(index).isDirectory();
        assertThat(index.resolve("README")).content().isEqualTo(NoSharedClassIndex.NOTE);
        NoSharedClassIndex.makeDirectory(index);
        assertThat(index).as("a second JVM finds it done").isDirectory();
    }

    @Test
    void quarkusNeitherWritesNorReadsAnIndexThereAndIndexesInMemory(@TempDir Path classes) throws Exception {
        Path index = classes.resolve("test-classes.idx");
        NoSharedClassIndex.makeDirectory(index);
        Index written = TestClassIndexer.indexTestClasses(NoSharedClassIndexTest.class);
        TestClassIndexer.writeIndex(written, classes, NoSharedClassIndexTest.class);
        assertThat(index).as("the writer gave up").isDirectory();
        assertThat(index.resolve("README")).content().isEqualTo(NoSharedClassIndex.NOTE);
        Index read = TestClassIndexer.readIndex(classes, NoSharedClassIndexTest.class);
        assertThat(read.getClassByName(DotName.createSimple(NoSharedClassIndexTest.class.getName())))
                .as("the reader indexed the test classes itself").isNotNull();
    }

    @Test
    void anApplicationsStopLeavesTheDirectory() {
        // what QuarkusTestExtension runs at an application's stop, ignoring what it throws
        assertThatThrownBy(() -> TestClassIndexer.removeIndex(NoSharedClassIndexTest.class)).isInstanceOf(IllegalStateException.class);
        assertThat(NoSharedClassIndex.indexFile()).isDirectory();
        assertThat(NoSharedClassIndex.indexFile().resolve("README")).content().isEqualTo(NoSharedClassIndex.NOTE);
    }
}
