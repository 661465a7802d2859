package dev.lifeline.instrument;

/**
 * Where the transformer tells that it saw the first class of a covered library. The runtime listens (it logs
 * {@code agent.started}); instrument/ calls nothing above it.
 */
public interface LibrarySightings {
    /** Nobody listens (tests, tools). */
    LibrarySightings NONE = new LibrarySightings() {
        @Override
        public void firstSeen(String library, String version) {
        }
    };

    /**
     * Called from class loading of the application, once per library or more: must not throw or block.
     *
     * @param version the library's version from its jar, or null when unknown
     */
    void firstSeen(String library, String version);
}
