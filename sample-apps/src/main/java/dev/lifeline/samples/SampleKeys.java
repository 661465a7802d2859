package dev.lifeline.samples;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;

/**
 * A client key every library here can read: RSA in PEM "RSA PRIVATE KEY" (PKCS#1) form, which jcraft 0.1.55 needs,
 * and its public half as an authorized_keys line. Made in Java so the demo needs no ssh-keygen.
 */
public final class SampleKeys {
    public final Path privateKey;
    public final Path publicKey;
    public final String authorizedKeysLine;

    private SampleKeys(Path privateKey, Path publicKey, String line) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.authorizedKeysLine = line;
    }

    public static SampleKeys create(Path dir) throws Exception {
        Files.createDirectories(dir);
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair kp = g.generateKeyPair();
        Path priv = dir.resolve("id_rsa");
        String pem = "-----BEGIN RSA PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pkcs1(kp.getPrivate().getEncoded()))
                + "\n-----END RSA PRIVATE KEY-----\n";
        Files.deleteIfExists(priv);
        Files.write(priv, pem.getBytes(StandardCharsets.US_ASCII));
        try {
            Files.setPosixFilePermissions(priv, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system: the libraries do not check
        }
        String line = "ssh-rsa " + Base64.getEncoder().encodeToString(sshRsaBlob((RSAPublicKey) kp.getPublic())) + " lifeline-test";
        Path pub = dir.resolve("id_rsa.pub");
        Files.write(pub, (line + "\n").getBytes(StandardCharsets.US_ASCII));
        return new SampleKeys(priv, pub, line);
    }

    /** PKCS#8 PrivateKeyInfo is SEQUENCE { version, algorithm, OCTET STRING { PKCS#1 RSAPrivateKey } }. */
    static byte[] pkcs1(byte[] pkcs8) {
        int[] pos = {0};
        expect(pkcs8, pos, 0x30);
        readLength(pkcs8, pos);
        expect(pkcs8, pos, 0x02);
        skip(pkcs8, pos);
        expect(pkcs8, pos, 0x30);
        skip(pkcs8, pos);
        expect(pkcs8, pos, 0x04);
        int len = readLength(pkcs8, pos);
        byte[] out = new byte[len];
        System.arraycopy(pkcs8, pos[0], out, 0, len);
        return out;
    }

    private static void expect(byte[] der, int[] pos, int tag) {
        if ((der[pos[0]++] & 0xff) != tag) {
            throw new IllegalArgumentException("unexpected DER tag at " + (pos[0] - 1));
        }
    }

    private static void skip(byte[] der, int[] pos) {
        int len = readLength(der, pos); // advances pos past the length octets first
        pos[0] += len;
    }

    private static int readLength(byte[] der, int[] pos) {
        int b = der[pos[0]++] & 0xff;
        if (b < 0x80) {
            return b;
        }
        int n = b & 0x7f;
        int len = 0;
        for (int i = 0; i < n; i++) {
            len = (len << 8) | (der[pos[0]++] & 0xff);
        }
        return len;
    }

    private static byte[] sshRsaBlob(RSAPublicKey key) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        writeString(out, "ssh-rsa".getBytes(StandardCharsets.US_ASCII));
        writeString(out, key.getPublicExponent().toByteArray());
        writeString(out, key.getModulus().toByteArray());
        return bytes.toByteArray();
    }

    private static void writeString(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

}
