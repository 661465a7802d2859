package com.trilead.ssh2;

/** A second stand-in class of the same uncovered library: still one library.unprotected line. */
public class KnownHosts {
}
