package com.trilead.ssh2;

/** A stand-in with the name of Trilead's client class: a library Lifeline does not cover (library.unprotected). */
public class Connection {
}
