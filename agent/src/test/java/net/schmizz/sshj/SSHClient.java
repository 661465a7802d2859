package net.schmizz.sshj;

/** A stand-in with the name of sshj's client class: a library Lifeline does not cover (library.unprotected). */
public class SSHClient {
}
