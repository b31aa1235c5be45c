package cloud.angryninja.keeper.reseed;

import java.util.List;

/**
 * What a reseed is asked: {@code POST /reseed}'s body and query, or a login's or an adoption's.
 *
 * @param body       the body, at most {@link ReseedInput#MAX_BYTES} bytes read
 * @param tooLarge   the body was larger than {@link ReseedInput#MAX_BYTES}
 * @param workspaces {@code ?workspace=} values (none: every configured workspace)
 * @param dryRun     raw {@code ?dryRun=}
 * @param force      raw {@code ?force=}
 * @param mode       raw {@code ?mode=}: live (default) or rollout
 * @param origin     who asks, and the workspace that already holds the credential
 */
public record ReseedRequest(byte[] body, boolean tooLarge, List<String> workspaces, String dryRun, String force, String mode,
        Origin origin) {

    /** Asked through the API. */
    public ReseedRequest(byte[] body, boolean tooLarge, List<String> workspaces, String dryRun, String force, String mode) {
        this(body, tooLarge, workspaces, dryRun, force, mode, Origin.API);
    }

    /** The default mode, asked through the API. */
    public ReseedRequest(byte[] body, boolean tooLarge, List<String> workspaces, String dryRun, String force) {
        this(body, tooLarge, workspaces, dryRun, force, null);
    }

    @Override
    public String toString() {
        return "ReseedRequest[" + (body == null ? 0 : body.length) + " bytes, workspaces=" + workspaces + "]";
    }
}
