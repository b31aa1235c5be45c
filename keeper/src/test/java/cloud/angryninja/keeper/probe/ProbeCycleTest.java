package cloud.angryninja.keeper.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import cloud.angryninja.keeper.testing.Tier;

/** A probe cycle never runs over another: the first cycle and the scheduled job's runs stay apart. */
@Tier.Unit
class ProbeCycleTest {

    @Test
    void aCycleAskedForWhileOneRunsIsSkippedAndTheNextOneRuns() throws Exception {
        AtomicBoolean running = new AtomicBoolean();
        AtomicInteger ran = new AtomicInteger();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Boolean> first = CompletableFuture.supplyAsync(() -> ProbeCycle.alone(running, () -> {
            ran.incrementAndGet();
            inside.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        assertThat(inside.await(10, TimeUnit.SECONDS)).as("the first cycle runs").isTrue();

        assertThat(ProbeCycle.alone(running, ran::incrementAndGet)).as("a second one while the first runs").isFalse();
        assertThat(ran).hasValue(1);

        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ProbeCycle.alone(running, ran::incrementAndGet)).as("the next one, after the first ended").isTrue();
        assertThat(ran).hasValue(2);
    }

    @Test
    void aCycleThatThrowsLetsTheNextOneRun() {
        AtomicBoolean running = new AtomicBoolean();
        try {
            ProbeCycle.alone(running, () -> {
                throw new IllegalStateException("a cycle that failed");
            });
        } catch (IllegalStateException expected) {
            // what the cycle threw reaches its caller
        }
        assertThat(ProbeCycle.alone(running, () -> { })).isTrue();
    }
}
