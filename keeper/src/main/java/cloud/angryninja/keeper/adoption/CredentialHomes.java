package cloud.angryninja.keeper.adoption;

import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.runtime.annotations.RegisterForReflection;

import cloud.angryninja.keeper.credential.DopplerFingerprints;
import cloud.angryninja.keeper.credential.ReportedCredentials;
import cloud.angryninja.keeper.leader.Leadership;
import cloud.angryninja.keeper.probe.WorkspaceState;
import cloud.angryninja.keeper.probe.WorkspaceStates;
import cloud.angryninja.keeper.workspace.Workspace;
import cloud.angryninja.keeper.workspace.Workspaces;

/**
 * A workspace's credential against Doppler's: which one the workspace holds (and so the probe checks), where it came
 * from, whether Doppler holds the same, and where its adoption stands. Read by {@code GET /workspaces} and the
 * {@code opencode_keeper_credential_drift} gauge; fingerprints only.
 */
@ApplicationScoped
public class CredentialHomes {

    /**
     * What {@code GET /workspaces} says of the credential a workspace holds.
     *
     * @param fingerprint        the credential the probe checks; empty before the first probe when none was reported
     * @param source             {@code secret} (not reported: the Secret's copy), {@code workspace} or {@code keeper}
     * @param since              when the keeper learned the workspace holds it (absent for {@code secret})
     * @param lastReport         when the workspace last reported
     * @param doppler            the fingerprint of Doppler's credential for the workspace; empty while unknown or none
     * @param differsFromDoppler whether they differ; empty while either is unknown
     * @param adoption           where the adoption of a reported credential stands
     */
    @RegisterForReflection
    public record Held(Optional<String> fingerprint, String source, Optional<Instant> since, Optional<Instant> lastReport,
            Optional<String> doppler, Optional<Boolean> differsFromDoppler, Optional<AdoptionStatus> adoption) {
    }

    private final Workspaces workspaces;
    private final ReportedCredentials reported;
    private final DopplerFingerprints doppler;
    private final WorkspaceStates states;
    /** Whether what this replica knows is current: it leads. */
    private volatile boolean leading;
    private final jakarta.inject.Provider<Adoption> adoption;

    @Inject
    public CredentialHomes(Workspaces workspaces, ReportedCredentials reported, DopplerFingerprints doppler, WorkspaceStates states,
            jakarta.inject.Provider<Adoption> adoption) {
        this.workspaces = workspaces;
        this.reported = reported;
        this.doppler = doppler;
        this.states = states;
        this.adoption = adoption;
    }

    /** The workspace's credential as {@code GET /workspaces} shows it. */
    public Held of(String workspace) {
        Optional<ReportedCredentials.Held> held = reported.held(workspace);
        Optional<String> fingerprint = fingerprint(workspace, held);
        Optional<DopplerFingerprints.Seen> seen = dopplerSeen(workspace);
        return new Held(fingerprint, held.map(h -> h.source().label()).orElse(ReportedCredentials.Source.SECRET.label()),
                held.map(ReportedCredentials.Held::since), reported.lastReport(workspace), seen.flatMap(DopplerFingerprints.Seen::fingerprint),
                differs(fingerprint, seen), adoption.get().status(workspace));
    }

    /** 1 while the workspace holds another credential than Doppler's, 0 the same, NaN unknown or on a follower. */
    public double drift(String workspace) {
        if (!leading) {
            return Double.NaN;
        }
        return differs(fingerprint(workspace, reported.held(workspace)), dopplerSeen(workspace)).map(d -> d ? 1.0 : 0.0)
                .orElse(Double.NaN);
    }

    void onLeadership(@Observes Leadership.LeadershipChange change) {
        leading = change.leading();
    }

    /** Pure: whether the credential held and Doppler's differ; empty while either is unknown. */
    static Optional<Boolean> differs(Optional<String> held, Optional<DopplerFingerprints.Seen> doppler) {
        if (held.isEmpty() || doppler.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(!doppler.get().fingerprint().equals(held));
    }

    private Optional<String> fingerprint(String workspace, Optional<ReportedCredentials.Held> held) {
        return held.map(ReportedCredentials.Held::fingerprint)
                .or(() -> states.of(workspace).flatMap(WorkspaceState::credentialFingerprint));
    }

    private Optional<DopplerFingerprints.Seen> dopplerSeen(String workspace) {
        return workspaces.byName(workspace).map(Workspace::dopplerSecret).flatMap(doppler::seen);
    }
}
