package net.schmizz.sshj;

/** A second stand-in class of the same uncovered library: still one library.unprotected line. */
public class DefaultConfig {
}
