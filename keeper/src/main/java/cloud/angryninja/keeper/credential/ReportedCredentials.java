package cloud.angryninja.keeper.credential;

import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import cloud.angryninja.keeper.copilot.CopilotCredential;
import cloud.angryninja.keeper.leader.Leadership;
import cloud.angryninja.keeper.probe.HeldCredentials;
import cloud.angryninja.keeper.workspace.WorkspaceEvent;

/**
 * What each workspace holds in its auth.json, as far as the keeper knows: the credential the workspace last reported
 * ({@code POST /workspaces/{w}/credential}), or the one the keeper last gave it (a live apply, or the Secret its
 * restarted pod seeded from). Empty until either happened since this replica started leading: the probe then reads
 * the workspace's Secret. Kept in memory only; the workspace reports again periodically, so a restarted keeper learns
 * it within a report period. Holds secrets: nothing here is ever logged or answered but the fingerprint.
 */
@ApplicationScoped
public class ReportedCredentials implements HeldCredentials {

    /** Where the credential a workspace holds came from, as {@code GET /workspaces} names it. */
    public enum Source {
        /** Not reported: the keeper probes the copy in the workspace's Secret. */
        SECRET,
        /** Reported by the workspace and not given by the keeper (a login in the workspace, an edit). */
        WORKSPACE,
        /** Given by the keeper (reseed, login, adoption), or the one Doppler holds for the workspace. */
        KEEPER;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A credential a workspace holds.
     *
     * @param credential the Copilot credential
     * @param authJson   the reduced auth.json {@code {"github-copilot":{...}}}, as a reseed stores it; a secret
     * @param source     where it came from
     * @param since      when the keeper learned that the workspace holds it
     */
    public record Held(CopilotCredential credential, String authJson, Source source, Instant since) {

        public String fingerprint() {
            return credential.fingerprint();
        }

        /** Never prints the credential. */
        @Override
        public String toString() {
            return "Held[" + fingerprint() + " " + source.label() + " since " + since + "]";
        }
    }

    /** What a report did: the workspace's credential now, and whether it is another than before. */
    public record Report(Held held, boolean changed) {
    }

    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastReport = new ConcurrentHashMap<>();
    private final Map<String, String> given = new ConcurrentHashMap<>();
    private final Clock clock;

    public ReportedCredentials() {
        this(Clock.systemUTC());
    }

    public ReportedCredentials(Clock clock) {
        this.clock = clock;
    }

    /** The credential the workspace holds, when it reported one or the keeper gave it one. */
    public Optional<Held> held(String workspace) {
        return Optional.ofNullable(held.get(workspace));
    }

    /** The probe's lookup: the credential the workspace holds, when known. */
    @Override
    public Optional<CopilotCredential> heldBy(String workspace) {
        return held(workspace).map(Held::credential);
    }

    /** When the workspace last reported. */
    public Optional<Instant> lastReport(String workspace) {
        return Optional.ofNullable(lastReport.get(workspace));
    }

    /**
     * The workspace reported {@code credential}. It is the keeper's own ({@link Source#KEEPER}) when the keeper gave it to
     * this workspace or {@code dopplerHolds} says Doppler holds it for the workspace; else the workspace's.
     */
    public synchronized Report report(String workspace, CopilotCredential credential, String authJson, boolean dopplerHolds) {
        Instant now = clock.instant();
        lastReport.put(workspace, now);
        Held before = held.get(workspace);
        if (before != null && before.fingerprint().equals(credential.fingerprint())) {
            return new Report(before, false);
        }
        boolean keepers = dopplerHolds || credential.fingerprint().equals(given.get(workspace));
        Held next = new Held(credential, authJson, keepers ? Source.KEEPER : Source.WORKSPACE, now);
        held.put(workspace, next);
        return new Report(next, true);
    }

    /** The keeper gave the workspace this credential: live into its OpenCode, or through the Secret its new pod seeded from. */
    public synchronized void gave(String workspace, CopilotCredential credential, String authJson) {
        given.put(workspace, credential.fingerprint());
        Held before = held.get(workspace);
        if (before == null || !before.fingerprint().equals(credential.fingerprint())) {
            held.put(workspace, new Held(credential, authJson, Source.KEEPER, clock.instant()));
        }
    }

    /** Doppler holds the credential the workspace holds: it is the keeper's record, whoever reported it. */
    public synchronized void dopplerHolds(String workspace, String fingerprint) {
        Held h = held.get(workspace);
        if (h != null && h.fingerprint().equals(fingerprint) && h.source() == Source.WORKSPACE) {
            held.put(workspace, new Held(h.credential(), h.authJson(), Source.KEEPER, h.since()));
        }
    }

    /** A workspace that left is forgotten. */
    void onWorkspace(@Observes WorkspaceEvent event) {
        if (event.kind() == WorkspaceEvent.Kind.LEFT) {
            forget(event.workspace().name());
        }
    }

    /** A replica that stops leading forgets: the reports go to the leader. */
    void onLeadership(@Observes Leadership.LeadershipChange change) {
        if (!change.leading()) {
            held.clear();
            lastReport.clear();
            given.clear();
        }
    }

    private synchronized void forget(String workspace) {
        held.remove(workspace);
        lastReport.remove(workspace);
        given.remove(workspace);
    }
}
