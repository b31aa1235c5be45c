package cloud.angryninja.keeper.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import cloud.angryninja.keeper.testing.LogCapture;
import cloud.angryninja.keeper.testing.Tier;

/**
 * Background probes stop with the application: a probe still waiting (on a workspace, on the Kubernetes API) is
 * interrupted, so the executor Quarkus waits for at shutdown ends at once instead of after the probe's deadline.
 */
@Tier.Unit
class BackgroundWorkTest {

    @Test
    void stopInterruptsWhatStillRunsAndTheExecutorEnds() throws Exception {
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            BackgroundWork work = new BackgroundWork(executor);
            CountDownLatch waiting = new CountDownLatch(1);
            AtomicBoolean interrupted = new AtomicBoolean();
            work.run("a probe that waits", () -> {
                waiting.countDown();
                try {
                    new CountDownLatch(1).await(1, TimeUnit.HOURS); // a workspace that never answers
                } catch (InterruptedException e) {
                    interrupted.set(true);
                }
            });
            assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(work.running()).isEqualTo(1);

            work.stop();

            executor.shutdown();
            assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).as("the executor ends without waiting out the hour").isTrue();
            assertThat(interrupted).as("the probe was interrupted").isTrue();
            assertThat(work.running()).isZero();
        }
    }

    @Test
    void nothingStartsOnceStoppedAndFinishedWorkIsForgotten() throws Exception {
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            BackgroundWork work = new BackgroundWork(executor);
            AtomicInteger ran = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(1);
            work.run("a probe", () -> {
                ran.incrementAndGet();
                done.countDown();
            });
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> work.running() == 0);

            work.stop();
            work.run("a probe after the stop", ran::incrementAndGet);
            executor.shutdown();
            assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            assertThat(ran).hasValue(1);
        }
    }

    @Test
    void whatAProbeThrowsBeforeTheStopIsLoggedAndEndsIt() throws Exception {
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor(); LogCapture log = LogCapture.start()) {
            BackgroundWork work = new BackgroundWork(executor);
            work.run("a probe that fails", () -> {
                throw new IllegalStateException("the failure");
            });
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> work.running() == 0);
            assertThat(log.linesContaining("a probe that fails failed")).singleElement().asString().contains("IllegalStateException");
        }
    }
}
