package dev.lifeline.instrument;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

import java.util.List;
import java.util.Map;

/**
 * Weaves hook calls into a class with the core ASM API only. No class format change (no member is added), so a
 * woven class can be retransformed and a dynamic attach can weave classes already loaded.
 *
 * <p>Frames are never computed from the class hierarchy ({@code COMPUTE_FRAMES} would load classes through
 * {@code getCommonSuperClass}, inside a transformer): the original frames are kept (expanded, so a hook's state slot
 * can be appended to each), and the one frame added, at the catch-all handler after the method body, lists just the
 * parameters (and the state), as JaCoCo's and Glowroot's weavers do.
 */
final class HookWeaver {
    private static final String OBJECT = "java/lang/Object";
    private static final String THROWABLE = "java/lang/Throwable";

    private HookWeaver() {
    }

    /** @param hooks by name + descriptor of the library method */
    static byte[] weave(byte[] original, final String owner, final ClassShape shape, final Map<String, Hook> hooks) {
        return weave(new ClassReader(original), owner, shape, hooks);
    }

    static byte[] weave(ClassReader reader, final String owner, final ClassShape shape, final Map<String, Hook> hooks) {
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        final boolean frames = shape.version >= Opcodes.V1_6;
        final Map<String, Hook> calls = new java.util.HashMap<String, Hook>();
        for (Hook h : hooks.values()) {
            if (h.isCallSite()) {
                calls.put(h.key(), h);
            }
        }
        reader.accept(new ClassVisitor(ClassShape.ASM_API, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
                Hook hook = hooks.get(name + descriptor);
                if (mv != null && hook != null && !hook.isCallSite()) {
                    Integer locals = shape.maxLocals.get(name + descriptor);
                    mv = new HookInserter(mv, owner, hook, locals == null ? 0 : locals, frames);
                }
                return mv == null || calls.isEmpty() ? mv : new CallRedirector(mv, calls);
            }
        }, ClassReader.EXPAND_FRAMES);
        return writer.toByteArray();
    }

    /**
     * Replaces each call a call-site hook names with a static call of its hook: receiver and arguments stay on the
     * stack as they were, the hook returns what the call would, so no frame or offset changes. It wraps the
     * {@link HookInserter}, so the hook calls that one inserts are never replaced.
     */
    static final class CallRedirector extends MethodVisitor {
        private final Map<String, Hook> calls;

        CallRedirector(MethodVisitor mv, Map<String, Hook> calls) {
            super(ClassShape.ASM_API, mv);
            this.calls = calls;
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            Hook h = opcode == Opcodes.INVOKEVIRTUAL || opcode == Opcodes.INVOKEINTERFACE
                    ? calls.get(owner + '.' + name + descriptor) : null;
            if (h == null) {
                super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
            } else {
                super.visitMethodInsn(Opcodes.INVOKESTATIC, h.hookClass, h.enter, h.redirectDescriptor(), false);
            }
        }
    }

    static final class HookInserter extends MethodVisitor {
        private final String owner;
        private final Hook hook;
        private final boolean constructor;
        private final List<String> args;
        private final int stateSlot;
        private final boolean frames;
        private final Label bodyStart = new Label();

        HookInserter(MethodVisitor mv, String owner, Hook hook, int maxLocals, boolean frames) {
            super(ClassShape.ASM_API, mv);
            this.owner = owner;
            this.hook = hook;
            this.constructor = hook.isConstructor();
            this.args = Hook.argumentTypes(hook.descriptor);
            this.stateSlot = maxLocals;
            this.frames = frames;
        }

        @Override
        public void visitCode() {
            super.visitCode();
            if (hook.enter != null) {
                if (!constructor) {
                    super.visitVarInsn(Opcodes.ALOAD, 0);
                }
                if (!hook.thisOnly) {
                    loadArguments();
                }
                super.visitMethodInsn(Opcodes.INVOKESTATIC, hook.hookClass, hook.enter, hook.enterDescriptor(constructor), false);
                if (hook.enterState) {
                    super.visitVarInsn(Opcodes.ASTORE, stateSlot);
                } else if (hook.replacedArg >= 0) {
                    String type = args.get(hook.replacedArg);
                    if (Hook.erase(type).equals("Ljava/lang/Object;")) {
                        super.visitTypeInsn(Opcodes.CHECKCAST, Hook.internalName(type));
                    }
                    super.visitVarInsn(Hook.storeOpcode(type), slotOf(hook.replacedArg));
                }
            }
            if (hook.exitOnThrow) {
                super.visitLabel(bodyStart);
            }
        }

        @Override
        public void visitInsn(int opcode) {
            if (hook.exit != null && opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
                if (hook.exitValue) {
                    if (!hook.exitReplacesValue) {
                        super.visitInsn(Opcodes.DUP);
                    }
                } else if (hook.exitOnThrow) {
                    super.visitInsn(Opcodes.ACONST_NULL);
                }
                callExit();
                if (hook.exitReplacesValue) {
                    String ret = Hook.returnType(hook.descriptor);
                    if (Hook.erase(ret).equals("Ljava/lang/Object;")) {
                        super.visitTypeInsn(Opcodes.CHECKCAST, Hook.internalName(ret));
                    }
                }
            }
            super.visitInsn(opcode);
        }

        /** Original frames gain the state slot, which holds the entry hook's result from the first instruction on. */
        @Override
        public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
            if (!hook.enterState || type != Opcodes.F_NEW) {
                super.visitFrame(type, numLocal, local, numStack, stack);
                return;
            }
            int slots = 0;
            for (int i = 0; i < numLocal; i++) {
                slots += local[i] == Opcodes.LONG || local[i] == Opcodes.DOUBLE ? 2 : 1;
            }
            Object[] withState = new Object[numLocal + (stateSlot - slots) + 1];
            System.arraycopy(local, 0, withState, 0, numLocal);
            int n = numLocal;
            for (int s = slots; s < stateSlot; s++) {
                withState[n++] = Opcodes.TOP;
            }
            withState[n++] = OBJECT;
            super.visitFrame(type, n, withState, numStack, stack);
        }

        /** The catch-all handler after the body: the exit hook sees the throwable, which then goes on unchanged. */
        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            if (hook.exitOnThrow) {
                Label bodyEnd = new Label();
                Label handler = new Label();
                super.visitLabel(bodyEnd);
                // visited last, so it comes after the method's own handlers in the exception table
                super.visitTryCatchBlock(bodyStart, bodyEnd, handler, THROWABLE);
                super.visitLabel(handler);
                if (frames) {
                    Object[] locals = handlerLocals();
                    super.visitFrame(Opcodes.F_NEW, locals.length, locals, 1, new Object[]{THROWABLE});
                }
                super.visitInsn(Opcodes.DUP);
                callExit();
                super.visitInsn(Opcodes.ATHROW);
            }
            super.visitMaxs(maxStack, maxLocals);
        }

        private void callExit() {
            if (hook.enterState) {
                super.visitVarInsn(Opcodes.ALOAD, stateSlot);
            }
            super.visitVarInsn(Opcodes.ALOAD, 0);
            if (!hook.thisOnly) {
                loadArguments();
            }
            super.visitMethodInsn(Opcodes.INVOKESTATIC, hook.hookClass, hook.exit, hook.exitDescriptor(), false);
        }

        private void loadArguments() {
            for (int i = 0; i < args.size(); i++) {
                super.visitVarInsn(Hook.loadOpcode(args.get(i)), slotOf(i));
            }
        }

        private int slotOf(int arg) {
            int slot = 1; // every hooked method has a this: static ones are refused (Hook.problem)
            for (int i = 0; i < arg; i++) {
                slot += Hook.isWide(args.get(i)) ? 2 : 1;
            }
            return slot;
        }

        /** this, the parameters and (when there is one) the state, padded with TOP up to its slot. */
        private Object[] handlerLocals() {
            java.util.ArrayList<Object> out = new java.util.ArrayList<Object>();
            out.add(owner);
            int slots = 1;
            for (String a : args) {
                out.add(frameType(a));
                slots += Hook.isWide(a) ? 2 : 1;
            }
            if (hook.enterState) {
                for (int s = slots; s < stateSlot; s++) {
                    out.add(Opcodes.TOP);
                }
                out.add(OBJECT);
            }
            return out.toArray();
        }
    }

    static Object frameType(String type) {
        switch (type.charAt(0)) {
            case 'Z':
            case 'B':
            case 'C':
            case 'S':
            case 'I':
                return Opcodes.INTEGER;
            case 'F':
                return Opcodes.FLOAT;
            case 'J':
                return Opcodes.LONG;
            case 'D':
                return Opcodes.DOUBLE;
            default:
                return Hook.internalName(type);
        }
    }
}
