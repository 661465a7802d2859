package dev.lifeline.instrument;

/**
 * A field that must exist in another class of the instrumented library for our advice to work there, such as the
 * MINA property a version introduced. Checked on class files, muzzle-style: a version without it is left alone.
 */
public final class LibraryRequirement {
    final String className;
    final String fieldName;
    final String absentFieldName;
    final String description;

    public LibraryRequirement(String className, String fieldName, String description) {
        this(className, fieldName, null, description);
    }

    /** @param absentFieldName a field that must not be there either: tells one version line from the next */
    public LibraryRequirement(String className, String fieldName, String absentFieldName, String description) {
        this.className = className;
        this.fieldName = fieldName;
        this.absentFieldName = absentFieldName;
        this.description = description;
    }
}
