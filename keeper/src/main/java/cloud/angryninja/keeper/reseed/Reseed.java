package cloud.angryninja.keeper.reseed;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import cloud.angryninja.keeper.workspace.Workspace;

/**
 * What one reseed knows as its steps go: what was asked, the record of its steps ({@link ReseedRun}), and what each step
 * found for the next: the credential, and each target workspace's plan.
 */
final class Reseed {

    final ReseedRequest request;
    final boolean dryRun;
    final boolean force;
    final ReseedMode mode;
    final Origin origin;
    final ReseedRun run;
    /** The credential, once the input step read it. */
    WorkspaceApply.Credential credential;
    /** Each target workspace that can take the credential, once the preflight checked it. */
    final Map<String, WorkspaceApply.Plan> plans = new LinkedHashMap<>();
    /** The lock this reseed holds, if any. */
    ReseedLock.Running holding;

    private Reseed(ReseedRequest request, boolean dryRun, boolean force, ReseedMode mode, Origin origin, ReseedRun run) {
        this.request = request;
        this.dryRun = dryRun;
        this.force = force;
        this.mode = mode;
        this.origin = origin;
        this.run = run;
    }

    /**
     * The reseed {@code request} asks, its flags read and its targets among {@code configured}.
     *
     * @throws IllegalArgumentException a flag or a workspace that is not valid; the message holds no value
     */
    static Reseed of(ReseedRequest request, List<Workspace> configured, ReseedMetrics metrics) {
        boolean dryRun = ReseedDecisions.flag("dryRun", request.dryRun());
        boolean force = ReseedDecisions.flag("force", request.force());
        ReseedMode mode = ReseedMode.parse(request.mode());
        List<Workspace> targets = ReseedDecisions.targets(request.workspaces(), configured);
        Origin origin = request.origin() == null ? Origin.API : request.origin();
        return new Reseed(request, dryRun, force, mode, origin, new ReseedRun(newId(), targets, dryRun, mode, origin, metrics, Clock.systemUTC()));
    }

    static String newId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
