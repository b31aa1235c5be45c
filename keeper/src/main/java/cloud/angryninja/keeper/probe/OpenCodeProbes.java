package cloud.angryninja.keeper.probe;

import cloud.angryninja.keeper.opencode.OpenCodeClient;

/** The probes OpenCode answers itself, with HTTP basic auth and {@code keeper.probe.timeout} per call. */
final class OpenCodeProbes {

    private OpenCodeProbes() {
    }

    /** Probe 1: {@code GET /global/health} answers healthy (or only OpenCode 2.x's {@code /api/health} does). */
    static Probe up(OpenCodeClient openCode) {
        return (w, run) -> {
            OpenCodeClient.Health h = openCode.health(w);
            return new Finding.Up(h.up() ? ProbeResult.pass(h.reason()) : ProbeResult.fail(h.reason()), h.version(), h.otherApi());
        };
    }

    /** Probe 2: {@code GET /config/providers} lists github-copilot with a credential and models. */
    static Probe provider(OpenCodeClient openCode) {
        return (w, run) -> {
            OpenCodeClient.Provider p = openCode.copilotProvider(w);
            return new Finding.Provider(p.loaded() ? ProbeResult.pass(p.reason()) : ProbeResult.fail(p.reason()));
        };
    }

    /** {@code GET /project/current}: OpenCode sees a git repository, none, or cannot tell. */
    static Probe repository(OpenCodeClient openCode) {
        return (w, run) -> {
            OpenCodeClient.Project p = openCode.project(w);
            return new Finding.Repository(p.git().map(git -> git ? ProbeResult.pass(p.reason()) : ProbeResult.fail(p.reason()))
                    .orElseGet(() -> ProbeResult.unknown(p.reason())));
        };
    }
}
