package cloud.angryninja.keeper.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import cloud.angryninja.keeper.testing.Tier;

/**
 * The scheduled cycle never runs over another one: a job's run that comes while a cycle (the first one, after leadership
 * started) still runs is skipped. The first cycle itself always runs.
 */
@Tier.Unit
class ProbeCycleTest {

    @Test
    void aScheduledCycleWhileOneRunsIsSkippedAndTheNextOneRuns() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger ran = new AtomicInteger();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> ProbeCycle.counted(running, () -> {
            ran.incrementAndGet();
            inside.countDown();
            await(release);
        }));
        assertThat(inside.await(10, TimeUnit.SECONDS)).as("the first cycle runs").isTrue();

        assertThat(ProbeCycle.unlessRunning(running, ran::incrementAndGet)).as("the job's run while the first one runs").isFalse();
        assertThat(ran).hasValue(1);

        release.countDown();
        first.get(10, TimeUnit.SECONDS);
        assertThat(ProbeCycle.unlessRunning(running, ran::incrementAndGet)).as("the job's next run, after the first ended").isTrue();
        assertThat(ran).hasValue(2);
    }

    @Test
    void aFirstCycleRunsEvenWhileAnotherOneRuns() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger ran = new AtomicInteger();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> old = CompletableFuture.runAsync(() -> ProbeCycle.counted(running, () -> {
            inside.countDown();
            await(release);
        }));
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();

        ProbeCycle.counted(running, ran::incrementAndGet); // leadership started again while a cycle of the last one runs
        assertThat(ran).as("the first cycle of the new leadership").hasValue(1);

        release.countDown();
        old.get(10, TimeUnit.SECONDS);
        assertThat(running).hasValue(0);
    }

    @Test
    void aCycleThatThrowsLetsTheNextOneRun() {
        AtomicInteger running = new AtomicInteger();
        assertThatThrownBy(() -> ProbeCycle.counted(running, () -> {
            throw new IllegalStateException("a cycle that failed");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(ProbeCycle.unlessRunning(running, () -> { })).isTrue();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
