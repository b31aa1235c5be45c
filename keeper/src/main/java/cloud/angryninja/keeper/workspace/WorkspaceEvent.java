package cloud.angryninja.keeper.workspace;

/**
 * A discovered workspace joined, changed or left (CDI event, fired synchronously after
 * {@link Workspaces} holds the new state). Configured workspaces never change at run time.
 * Observers register or drop their per-workspace state: metrics series, event streams, probe state.
 */
public record WorkspaceEvent(Kind kind, Workspace workspace) {

    public enum Kind {
        JOINED, CHANGED, LEFT
    }
}
