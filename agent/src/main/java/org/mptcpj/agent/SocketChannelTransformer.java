package org.mptcpj.agent;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.MethodModel;
import java.lang.classfile.MethodTransform;
import java.lang.classfile.Opcode;
import java.lang.classfile.instruction.ReturnInstruction;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;

/**
 * Adds calls to {@link HookClass the hook} to the JDK's {@code sun.nio.ch.SocketChannelImpl} (JDK 25
 * source), the class of every TCP {@code SocketChannel}, accepted ones included:
 * <ul>
 * <li>{@code setOption(SocketOption, Object)}: {@code MptcpjHook.optionSet(this, name)} before each
 *     {@code return this}, i.e. after the option was set. The adaptor socket's setters
 *     ({@code SocketAdaptor.setKeepAlive(on)} calls {@code sc.setOption(SO_KEEPALIVE, on)}) end here too.</li>
 * <li>{@code implCloseSelectableChannel()}: {@code MptcpjHook.closing(this)} first. Every close
 *     ({@code close()}, the adaptor's and its streams' {@code close()}, an interrupt) runs it once,
 *     after {@code isOpen()} turned false and before the channel's {@code close(2)} (done there
 *     or, for a channel still registered with a selector, later by {@code kill()}).</li>
 * </ul>
 * Method bodies only change, so an already loaded class can be retransformed.
 */
final class SocketChannelTransformer implements ClassFileTransformer {
    static final String TARGET = "sun/nio/ch/SocketChannelImpl";
    private static final String SET_OPTION_DESCRIPTOR = "(Ljava/net/SocketOption;Ljava/lang/Object;)Ljava/nio/channels/SocketChannel;";

    private volatile String outcome = "not loaded yet";

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
                            ProtectionDomain domain, byte[] bytes) {
        if (!TARGET.equals(className)) {
            return null;
        }
        try { // an exception thrown here would be swallowed by the JVM: kept for requireHooked()
            byte[] out = hook(bytes);
            outcome = null;
            return out;
        } catch (RuntimeException | LinkageError e) {
            outcome = e.toString();
            return null;
        }
    }

    /** @throws IllegalStateException naming what went wrong if the class was not hooked */
    void requireHooked() {
        String why = outcome;
        if (why != null) {
            throw new IllegalStateException("cannot hook " + TARGET.replace('/', '.') + " of this JDK ("
                    + Runtime.version() + "): " + why);
        }
    }

    static byte[] hook(byte[] bytes) {
        ClassFile cf = ClassFile.of();
        ClassModel model = cf.parse(bytes);
        int[] hooked = new int[2]; // setOption returns, close entries
        ClassTransform transform = (clb, element) -> {
            if (element instanceof MethodModel m && isSetOption(m)) {
                clb.transformMethod(m, MethodTransform.transformingCode((cob, e) -> {
                    if (e instanceof ReturnInstruction r && r.opcode() == Opcode.ARETURN) {
                        cob.aload(0).aload(1).invokestatic(HookClass.HOOK, HookClass.OPTION_SET, HookClass.OPTION_SET_TYPE);
                        hooked[0]++;
                    }
                    cob.with(e);
                }));
            } else if (element instanceof MethodModel m && m.methodName().equalsString("implCloseSelectableChannel")
                    && m.methodType().equalsString("()V")) {
                clb.transformMethod(m, MethodTransform.transformingCode(new CodeTransform() {
                    @Override
                    public void atStart(CodeBuilder cob) {
                        cob.aload(0).invokestatic(HookClass.HOOK, HookClass.CLOSING, HookClass.CLOSING_TYPE);
                        hooked[1]++;
                    }

                    @Override
                    public void accept(CodeBuilder cob, CodeElement e) {
                        cob.with(e);
                    }
                }));
            } else {
                clb.with(element);
            }
        };
        byte[] out = cf.transformClass(model, transform);
        if (hooked[0] == 0 || hooked[1] != 1) {
            throw new IllegalStateException("found " + hooked[0] + " returns in setOption(SocketOption, Object) and "
                    + hooked[1] + " implCloseSelectableChannel(); expected at least 1 and 1");
        }
        return out;
    }

    private static boolean isSetOption(MethodModel m) {
        return m.methodName().equalsString("setOption") && m.methodType().equalsString(SET_OPTION_DESCRIPTOR)
                && (m.flags().flagsMask() & ClassFile.ACC_BRIDGE) == 0;
    }
}
