package cloud.angryninja.keeper.adoption;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import cloud.angryninja.keeper.copilot.CopilotCredential;
import cloud.angryninja.keeper.credential.DopplerFingerprints;
import cloud.angryninja.keeper.credential.ReportedCredentials;
import cloud.angryninja.keeper.testing.TestCredentials;
import cloud.angryninja.keeper.testing.Tier;

/** The pure parts of the drift: Doppler's value by fingerprint, and when two credentials differ. */
@Tier.Unit
class CredentialHomesTest {

    static final String A = CopilotCredential.fingerprint("gho_homesA");
    static final String B = CopilotCredential.fingerprint("gho_homesB");
    static final Instant AT = Instant.parse("2026-12-07T10:00:00Z");

    @Test
    void theyDifferOnlyWhenBothAreKnownAndNotTheSame() {
        Optional<DopplerFingerprints.Seen> dopplerA = Optional.of(new DopplerFingerprints.Seen(Optional.of(A), AT));
        assertThat(CredentialHomes.differs(Optional.of(A), dopplerA)).contains(false);
        assertThat(CredentialHomes.differs(Optional.of(B), dopplerA)).contains(true);
        assertThat(CredentialHomes.differs(Optional.of(B), Optional.of(new DopplerFingerprints.Seen(Optional.empty(), AT))))
                .as("Doppler holds no credential").contains(true);
        assertThat(CredentialHomes.differs(Optional.empty(), dopplerA)).as("the workspace's unknown").isEmpty();
        assertThat(CredentialHomes.differs(Optional.of(A), Optional.empty())).as("Doppler unknown").isEmpty();
    }

    @Test
    void dopplersValueIsKeptAsItsCredentialsFingerprintOnly() {
        assertThat(DopplerFingerprints.fingerprint(TestCredentials.authJson("gho_homesA"))).contains(A);
        assertThat(DopplerFingerprints.fingerprint("not json")).isEmpty();
        assertThat(DopplerFingerprints.fingerprint("{\"openai\":{\"type\":\"api\",\"key\":\"k\"}}")).isEmpty();
    }

    @Test
    void aWorkspaceReportIsItsOwnUnlessTheKeeperGaveItOrDopplerHoldsIt() {
        ReportedCredentials held = new ReportedCredentials();
        CopilotCredential a = new CopilotCredential("gho_homesA", Optional.empty());
        CopilotCredential b = new CopilotCredential("gho_homesB", Optional.empty());

        ReportedCredentials.Report first = held.report("w", a, "{}", false);
        assertThat(first.changed()).isTrue();
        assertThat(first.held().source()).isEqualTo(ReportedCredentials.Source.WORKSPACE);
        assertThat(held.report("w", a, "{}", false).changed()).as("the same again").isFalse();
        held.dopplerHolds("w", A);
        assertThat(held.held("w").orElseThrow().source()).isEqualTo(ReportedCredentials.Source.KEEPER);

        held.gave("w", b, "{}");
        assertThat(held.held("w").orElseThrow().fingerprint()).isEqualTo(B);
        assertThat(held.report("w", b, "{}", false).changed()).as("what the keeper gave, reported back").isFalse();
        assertThat(held.report("w", a, "{}", true).held().source()).as("Doppler holds it").isEqualTo(ReportedCredentials.Source.KEEPER);
        assertThat(held.held("w").orElseThrow().toString()).doesNotContain("gho_");
    }
}
