package cloud.angryninja.keeper.probe;

import java.util.Collection;
import java.util.Optional;

/** What the probes of one workspace found, one finding each; a probe that failed unexpectedly counts as {@code probe failed}. */
record Findings(Finding.Up up, Finding.Provider provider, Finding.Credential credential, Finding.Repository repository) {

    static final String FAILED = "probe failed";

    static Findings of(Collection<Finding> found) {
        return new Findings(
                first(found, Finding.Up.class).orElseGet(() -> new Finding.Up(ProbeResult.fail(FAILED), Optional.empty(), false)),
                first(found, Finding.Provider.class).orElseGet(() -> new Finding.Provider(ProbeResult.fail(FAILED))),
                first(found, Finding.Credential.class).orElseGet(() -> new Finding.Credential(ProbeResult.unknown(FAILED), 0,
                        Optional.empty(), "", Optional.empty(), Optional.empty(), Optional.empty())),
                first(found, Finding.Repository.class).orElseGet(() -> new Finding.Repository(ProbeResult.unknown(FAILED))));
    }

    private static <F extends Finding> Optional<F> first(Collection<Finding> found, Class<F> kind) {
        return found.stream().filter(kind::isInstance).map(kind::cast).findFirst();
    }

    /** OpenCode up, provider loaded, credential accepted: the three Copilot probes passed (the repository does not count). */
    boolean allPassed() {
        return up.passed() && provider.passed() && credential.passed();
    }
}
