package cloud.angryninja.keeper.probe;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The result of one probe: PASS or FAIL when the probe got an answer, UNKNOWN when it could not
 * tell (only the credential probe), PENDING before the first probe ran.
 */
@RegisterForReflection
public record ProbeResult(Outcome outcome, String reason) {

    public enum Outcome {
        PASS, FAIL, UNKNOWN, PENDING
    }

    public static final ProbeResult PENDING = new ProbeResult(Outcome.PENDING, "not probed yet");

    public static ProbeResult pass(String reason) {
        return new ProbeResult(Outcome.PASS, reason);
    }

    public static ProbeResult fail(String reason) {
        return new ProbeResult(Outcome.FAIL, reason);
    }

    public static ProbeResult unknown(String reason) {
        return new ProbeResult(Outcome.UNKNOWN, reason);
    }

    /** 1 for PASS, 0 for FAIL, NaN for UNKNOWN and PENDING: the gauge value. */
    public double gaugeValue() {
        return switch (outcome) {
            case PASS -> 1.0;
            case FAIL -> 0.0;
            case UNKNOWN, PENDING -> Double.NaN;
        };
    }
}
