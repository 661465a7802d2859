package dev.lifeline.samples;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Proxy;
import com.jcraft.jsch.ProxyHTTP;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.SocketFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/** How a legacy JSch app connects: key file, host-key checking off, no timeout, no keepalive. */
final class JschClients {
    private JschClients() {
    }

    static Session newSession(Target t) throws JSchException {
        JSch jsch = new JSch();
        jsch.addIdentity(t.identity);
        Session session = jsch.getSession(t.user, t.host, t.port);
        session.setConfig("StrictHostKeyChecking", "no");
        String proxy = System.getProperty("sample.httpProxy");
        if (proxy != null) {
            // an app behind an HTTP CONNECT proxy (-Dsample.httpProxy=host:port)
            int colon = proxy.lastIndexOf(':');
            session.setProxy(new ProxyHTTP(proxy.substring(0, colon), Integer.parseInt(proxy.substring(colon + 1))));
        }
        if (Boolean.getBoolean("sample.socketlessProxy")) {
            session.setProxy(new SocketlessProxy());
        }
        if (Boolean.getBoolean("sample.socketFactory")) {
            session.setSocketFactory(new AppSocketFactory());
        }
        return session;
    }

    /** An app that makes its own sockets (-Dsample.socketFactory=true), as some do for proxies or source binding. */
    static final class AppSocketFactory implements SocketFactory {
        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return new Socket(host, port);
        }

        @Override
        public InputStream getInputStream(Socket socket) throws IOException {
            return socket.getInputStream();
        }

        @Override
        public OutputStream getOutputStream(Socket socket) throws IOException {
            return socket.getOutputStream();
        }
    }

    /**
     * An app's own {@code Proxy} (-Dsample.socketlessProxy=true) that hands JSch streams and no socket, as a ProxyCommand,
     * a jump host's direct-tcpip channel or a tunnel of the app's own does: here a plain socket to the target, kept to
     * itself ({@code getSocket()} returns null, and no field of it is named {@code socket}).
     */
    static final class SocketlessProxy implements Proxy {
        private Socket tunnel;

        @Override
        public void connect(SocketFactory factory, String host, int port, int timeout) throws Exception {
            tunnel = new Socket();
            tunnel.connect(new java.net.InetSocketAddress(host, port), timeout);
        }

        @Override
        public InputStream getInputStream() {
            try {
                return tunnel.getInputStream();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public OutputStream getOutputStream() {
            try {
                return tunnel.getOutputStream();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public Socket getSocket() {
            return null;
        }

        @Override
        public void close() {
            try {
                if (tunnel != null) {
                    tunnel.close();
                }
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    /** {@code connect()} as the app wrote it, with the time spent in it reported on failure as {@code connect_ms}. */
    static Session connect(Target t, Result result) throws JSchException {
        Session session = newSession(t);
        result.phase("connect");
        session.connect();
        result.phase("session");
        return session;
    }
}
