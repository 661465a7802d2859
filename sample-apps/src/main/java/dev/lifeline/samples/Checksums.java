package dev.lifeline.samples;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.MessageDigest;

final class Checksums {
    private Checksums() {
    }

    static String sha256(String file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(Paths.get(file))) {
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        StringBuilder b = new StringBuilder();
        for (byte x : md.digest()) {
            b.append(String.format("%02x", x));
        }
        return b.toString();
    }

    /** The round trip is ok only when what came back is byte for byte what went out. */
    static void report(Result result, String sent, String received) throws Exception {
        String a = sha256(sent);
        String b = sha256(received);
        result.with("bytes", Files.size(Paths.get(received))).with("sha256", b).finish(a.equals(b) ? "ok" : "corrupt");
    }
}
