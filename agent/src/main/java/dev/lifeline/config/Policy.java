package dev.lifeline.config;

import java.util.LinkedHashMap;
import java.util.Map;

/** The effective settings for one (host, port): immutable, resolved once and cached by {@link Config}. */
public final class Policy {
    private final String host;
    private final int port;
    private final Map<Key, Object> values;
    private final Map<Key, String> sources;
    private final String rules;

    Policy(String host, int port, Map<Key, Object> values, Map<Key, String> sources, String rules) {
        this.host = host;
        this.port = port;
        this.values = new LinkedHashMap<Key, Object>(values);
        this.sources = new LinkedHashMap<Key, String>(sources);
        this.rules = rules;
    }

    public Mode mode() {
        return (Mode) values.get(Key.MODE);
    }

    public long keepaliveIntervalMillis() {
        return (Long) values.get(Key.KEEPALIVE_INTERVAL);
    }

    public int keepaliveCountMax() {
        return (Integer) values.get(Key.KEEPALIVE_COUNT_MAX);
    }

    public boolean tcpKeepalive() {
        return (Boolean) values.get(Key.TCP_KEEPALIVE);
    }

    public long tcpKeepaliveIdleMillis() {
        return (Long) values.get(Key.TCP_KEEPALIVE_IDLE);
    }

    public long tcpKeepaliveIntervalMillis() {
        return (Long) values.get(Key.TCP_KEEPALIVE_INTERVAL);
    }

    public int tcpKeepaliveCount() {
        return (Integer) values.get(Key.TCP_KEEPALIVE_COUNT);
    }

    public long connectTimeoutMillis() {
        return (Long) values.get(Key.CONNECT_TIMEOUT);
    }

    public long execTimeoutMillis() {
        return (Long) values.get(Key.EXEC_TIMEOUT);
    }

    public long execIdleTimeoutMillis() {
        return (Long) values.get(Key.EXEC_IDLE_TIMEOUT);
    }

    public long execKillGraceMillis() {
        return (Long) values.get(Key.EXEC_KILL_GRACE);
    }

    public long closeTimeoutMillis() {
        return (Long) values.get(Key.CLOSE_TIMEOUT);
    }

    /** How long one SFTP request may wait for its response; 0 = no limit. */
    public long sftpTimeoutMillis() {
        return (Long) values.get(Key.SFTP_TIMEOUT);
    }

    /** {@code forward.idleTimeout}: 0 when forwarded connections are never closed for idleness. */
    public long forwardIdleTimeoutMillis() {
        return (Long) values.get(Key.FORWARD_IDLE_TIMEOUT);
    }

    /** Whether deadline log lines may carry the remote command (it may hold secrets). */
    public boolean logCommands() {
        return (Boolean) values.get(Key.LOG_COMMANDS);
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** Names of the rules that set at least one value here, comma separated, or {@code global}. */
    public String rules() {
        return rules;
    }

    /** Where the effective value of {@code key} came from; null for an unknown key. */
    public String source(String key) {
        Key k = Key.named(key);
        return k == null ? null : sources.get(k);
    }

    /** Effective value of {@code key} in file syntax; null for an unknown key. */
    public String value(String key) {
        Key k = Key.named(key);
        return k == null || !values.containsKey(k) ? null : k.format(values.get(k));
    }

    /** {@code mode=fill keepalive.interval=15s ...}: every per-host key, in documentation order. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<Key, Object> e : values.entrySet()) {
            if (!e.getKey().perHost) {
                continue;
            }
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(e.getKey().name).append('=').append(e.getKey().format(e.getValue()));
        }
        return b.toString();
    }
}
