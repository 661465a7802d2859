/**
 * The Ganymed SSH-2 family: Ganymed SSH-2 ({@code ch.ethz.ssh2}) and its fork Trilead SSH-2 ({@code com.trilead.ssh2},
 * also Jenkins' fork of it). The two share their API and most of their internals under different package names, so
 * what Lifeline does to them is written once here, for one {@link dev.lifeline.ssh2family.Ssh2Library} (a package
 * name and the few members that differ); the library packages {@code trilead/} and {@code ganymed/} hold only each
 * one's module (its declarations) and its hook class (woven code needs one per library). A layer of its own, between
 * {@code instrument/} and the library packages, which use it and nothing else of each other.
 */
package dev.lifeline.ssh2family;
