package cloud.angryninja.keeper.api;

/** How the API answers: JSON, or text lines when the caller asks for them. */
final class Accept {

    private Accept() {
    }

    /** Pure: text lines when the client asks for text/plain and not for JSON. */
    static boolean wantsText(String accept) {
        return accept != null && accept.contains("text/plain") && !accept.contains("application/json");
    }
}
