package dev.lifeline.instrument;

/**
 * A field that must exist in another class of the instrumented library for the hooks to work there, such as the MINA
 * property a version introduced. Read from the class file through the library's loader, muzzle-style: nothing is
 * loaded, and a version without it is left alone.
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

    boolean metBy(ClassLoader loader) {
        ClassShape shape = read(loader, className.replace('.', '/') + ".class");
        return shape != null && shape.fields.contains(fieldName)
                && (absentFieldName == null || !shape.fields.contains(absentFieldName));
    }

    private static ClassShape read(ClassLoader loader, String resource) {
        byte[] bytes = ClassShape.readResource(loader, resource);
        return bytes == null ? null : ClassShape.of(bytes, null);
    }
}
