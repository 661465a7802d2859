package dev.lifeline.config;

/** One validated value and where it came from. */
final class Setting {
    final Key key;
    final Object value;
    final Origin origin;

    Setting(Key key, Object value, Origin origin) {
        this.key = key;
        this.value = value;
        this.origin = origin;
    }

    static Setting defaultOf(Key key) {
        return new Setting(key, key.defaultValue, Origin.DEFAULT);
    }
}
