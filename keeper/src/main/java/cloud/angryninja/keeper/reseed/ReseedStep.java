package cloud.angryninja.keeper.reseed;

import java.time.Duration;
import java.util.Optional;

/**
 * One step of a reseed ({@link ReseedSteps} lists them in order): it does its part, records it in the reseed's run, and
 * says whether the reseed goes on. The {@link ReseedWorkflow} runs the list.
 */
interface ReseedStep {

    /** Empty: the next step follows; present: the reseed ends here. */
    Optional<Exit> run(Reseed reseed);

    /** When the reseed has ended, for every step that ran, the last first: what the step holds is given back. */
    default void after(Reseed reseed) {
    }

    /**
     * How a reseed ends.
     *
     * @param status  the HTTP status of the reply
     * @param message one line saying how it ended
     * @param counted false for a request that never became a reseed (another one runs): nothing is counted
     */
    record Exit(int status, String message, boolean counted) {

        static Optional<Exit> with(int status, String message) {
            return Optional.of(new Exit(status, message, true));
        }

        ReseedReply end(ReseedRun run) {
            return counted ? run.finish(status, message) : run.refuse(status, message);
        }
    }

    static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
