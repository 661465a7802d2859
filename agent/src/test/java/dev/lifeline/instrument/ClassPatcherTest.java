package dev.lifeline.instrument;

import dev.lifeline.runtime.Libraries;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The in-place patcher weaves every instrumented class of every library version in the bench without falling back to
 * ASM, and what it writes is, method by method, the same code as {@link HookWeaver}'s: the same instructions, jump
 * targets, exception handlers and locals (NOP padding and the encoding of frames aside). That the JVM verifies it is
 * {@link WeaveEveryLibraryVersionTest}'s part (it goes through the transformer, which patches).
 */
class ClassPatcherTest {
    @TestFactory
    List<DynamicTest> everyInstrumentedClassIsPatchedAsTheAsmWeaverWouldWeaveIt() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(WeaveEveryLibraryVersionTest.LIBS)) {
            for (Path dir : dirs) {
                String n = dir.getFileName().toString();
                String lib = WeaveEveryLibraryVersionTest.libraryOf(n);
                tests.add(DynamicTest.dynamicTest(n, () -> compare(dir, lib)));
            }
        }
        assertThat(tests).hasSizeGreaterThanOrEqualTo(4);
        return tests;
    }

    private static void compare(Path dir, String lib) throws Exception {
        List<URL> jars = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.jar")) {
            for (Path f : files) {
                jars.add(f.toUri().toURL());
            }
        }
        int classes = 0;
        try (URLClassLoader loader = new URLClassLoader(jars.toArray(new URL[0]), null)) {
            for (InstrumentationModule m : Libraries.all()) {
                if (!m.name().equals(lib)) {
                    continue;
                }
                Map<String, List<InstrumentedType>> byClass = new LinkedHashMap<>();
                for (InstrumentedType t : m.types()) {
                    byClass.computeIfAbsent(t.internalName(), k -> new ArrayList<>()).add(t);
                }
                for (Map.Entry<String, List<InstrumentedType>> e : byClass.entrySet()) {
                    URL url = loader.findResource(e.getKey() + ".class");
                    if (url == null) {
                        continue; // a transport jar not in this set (checked by WeaveEveryLibraryVersionTest)
                    }
                    byte[] original;
                    try (InputStream in = url.openStream()) {
                        original = in.readAllBytes();
                    }
                    ClassFile file = new ClassFile(original);
                    Map<String, Hook> hooks = new LinkedHashMap<>();
                    for (InstrumentedType t : e.getValue()) {
                        if (t.requirement == null || t.requirement.metBy(loader)) {
                            for (Hook h : t.hooks) {
                                hooks.put(h.key(), h);
                            }
                        }
                    }
                    java.util.Set<String> keys = new java.util.HashSet<>(hooks.keySet());
                    ClassShape shape = ClassShape.of(file, keys);
                    // a method hook on a method this version lacks is left out; call-site hooks name no method of the class
                    hooks.entrySet().removeIf(h -> !h.getValue().isCallSite() && !shape.methods.containsKey(h.getKey()));
                    byte[] patched = ClassPatcher.weave(file, e.getKey(), shape, hooks); // throws if it cannot
                    byte[] asm = HookWeaver.weave(original, e.getKey(), shape, hooks);
                    Map<String, List<String>> expected = listing(asm);
                    Map<String, List<String>> actual = listing(patched);
                    assertThat(actual.keySet()).isEqualTo(expected.keySet());
                    for (String method : expected.keySet()) {
                        assertThat(actual.get(method)).as(e.getKey() + "." + method).containsExactlyElementsOf(expected.get(method));
                    }
                    classes++;
                }
            }
        }
        assertThat(classes).as("instrumented classes found in " + dir).isGreaterThan(0);
    }

    /** Per method: its instructions with jump targets as instruction numbers, handlers and maxLocals; no NOPs or frames. */
    static Map<String, List<String>> listing(byte[] classFile) {
        Map<String, List<String>> out = new HashMap<>();
        new ClassReader(classFile).accept(new ClassVisitor(ClassShape.ASM_API) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                List<Object> events = new ArrayList<>();
                Map<Label, Integer> at = new HashMap<>();
                return new MethodVisitor(ClassShape.ASM_API) {
                    int count;

                    private void add(Object... parts) {
                        events.add(parts);
                        count++;
                    }

                    @Override
                    public void visitLabel(Label label) {
                        at.put(label, count);
                    }

                    @Override
                    public void visitInsn(int opcode) {
                        if (opcode != Opcodes.NOP) {
                            add(opcode);
                        }
                    }

                    @Override
                    public void visitIntInsn(int opcode, int operand) {
                        add(opcode, operand);
                    }

                    @Override
                    public void visitVarInsn(int opcode, int var) {
                        add(opcode, var);
                    }

                    @Override
                    public void visitTypeInsn(int opcode, String type) {
                        add(opcode, type);
                    }

                    @Override
                    public void visitFieldInsn(int opcode, String owner, String fieldName, String fieldDescriptor) {
                        add(opcode, owner, fieldName, fieldDescriptor);
                    }

                    @Override
                    public void visitMethodInsn(int opcode, String owner, String methodName, String methodDescriptor, boolean isInterface) {
                        add(opcode, owner, methodName, methodDescriptor, isInterface);
                    }

                    @Override
                    public void visitInvokeDynamicInsn(String indyName, String indyDescriptor, Handle bsm, Object... bsmArgs) {
                        add("indy", indyName, indyDescriptor, bsm, Arrays.asList(bsmArgs));
                    }

                    @Override
                    public void visitJumpInsn(int opcode, Label label) {
                        add(opcode, label);
                    }

                    @Override
                    public void visitLdcInsn(Object value) {
                        add("ldc", value);
                    }

                    @Override
                    public void visitIincInsn(int var, int increment) {
                        add("iinc", var, increment);
                    }

                    @Override
                    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
                        add("tableswitch", min, max, dflt, Arrays.asList(labels));
                    }

                    @Override
                    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
                        add("lookupswitch", dflt, Arrays.toString(keys), Arrays.asList(labels));
                    }

                    @Override
                    public void visitMultiANewArrayInsn(String type, int dims) {
                        add("multianewarray", type, dims);
                    }

                    @Override
                    public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
                        events.add(new Object[]{"try", start, end, handler, type});
                    }

                    @Override
                    public void visitLocalVariable(String varName, String varDescriptor, String varSignature, Label start, Label end, int index) {
                        events.add(new Object[]{"local", varName, varDescriptor, start, end, index});
                    }

                    @Override
                    public void visitLineNumber(int line, Label start) {
                        events.add(new Object[]{"line", line, start});
                    }

                    @Override
                    public void visitMaxs(int maxStack, int maxLocals) {
                        events.add(new Object[]{"maxLocals", maxLocals});
                    }

                    @Override
                    public void visitEnd() {
                        List<String> lines = new ArrayList<>();
                        for (Object e : events) {
                            StringBuilder b = new StringBuilder();
                            for (Object part : (Object[]) e) {
                                b.append(resolve(part)).append(' ');
                            }
                            lines.add(b.toString().trim());
                        }
                        out.put(name + descriptor, lines);
                    }

                    private Object resolve(Object part) {
                        if (part instanceof Label) {
                            return "@" + at.get(part);
                        }
                        if (part instanceof List) {
                            List<Object> r = new ArrayList<>();
                            for (Object o : (List<?>) part) {
                                r.add(resolve(o));
                            }
                            return r;
                        }
                        return part;
                    }
                };
            }
        }, 0);
        return out;
    }
}
