package cloud.angryninja.keeper.probe;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

import org.jboss.logging.Logger;

/**
 * Work run in the background on an executor (Quarkus' virtual threads), stopped with the application: {@link #stop()}
 * interrupts what still runs, since Quarkus waits for its virtual threads at shutdown and a probe waiting on a workspace
 * or the Kubernetes API would hold the stop for up to {@code keeper.probe.timeout}. What the work throws once stopping
 * (its beans going away) is dropped; before that it is logged.
 */
final class BackgroundWork {

    private static final Logger LOG = Logger.getLogger(BackgroundWork.class);

    private final ExecutorService executor;
    private final Set<Future<?>> running = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    BackgroundWork(ExecutorService executor) {
        this.executor = executor;
    }

    /** Runs {@code work} (named {@code what} in a log line) unless stopping. */
    void run(String what, Runnable work) {
        FutureTask<Void> task = new FutureTask<>(() -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                if (stopping) {
                    LOG.debugf("%s ended by the shutdown: %s", what, e.getClass().getSimpleName());
                } else {
                    LOG.errorf(e, "%s failed", what);
                }
            }
        }, null) {
            @Override
            protected void done() { // ended, failed or cancelled
                running.remove(this);
            }
        };
        running.add(task); // before the check: a stop from now on finds it
        if (stopping) {
            task.cancel(true);
        } else {
            executor.execute(task);
        }
    }

    /** Interrupts what runs; nothing runs from now on. */
    void stop() {
        stopping = true;
        running.forEach(f -> f.cancel(true));
    }

    /** How many works run now. */
    int running() {
        return running.size();
    }
}
