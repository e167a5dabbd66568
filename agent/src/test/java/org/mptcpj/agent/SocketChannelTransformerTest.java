package org.mptcpj.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.Instruction;
import java.lang.classfile.MethodModel;
import java.lang.classfile.Opcode;
import java.lang.classfile.instruction.InvokeInstruction;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hook calls added to this JDK's own {@code SocketChannelImpl}, read back and verified. */
class SocketChannelTransformerTest {
    @Test
    void everySetOptionReturnAndTheCloseCallTheHook() throws IOException {
        ClassModel hooked = ClassFile.of().parse(SocketChannelTransformer.hook(jdkClass(SocketChannelTransformer.TARGET)));
        assertEquals(List.of(), ClassFile.of().verify(hooked), "the hooked class verifies");
        List<Instruction> setOption = instructions(method(hooked, "setOption", SocketChannelTransformerTest::returnsSocketChannel));
        long returns = setOption.stream().filter(i -> i.opcode() == Opcode.ARETURN).count();
        assertTrue(returns >= 1, "setOption returns");
        assertEquals(returns, setOption.stream().filter(i -> callsHook(i, HookClass.OPTION_SET)).count(), "a hook call per return");
        List<Instruction> close = instructions(method(hooked, "implCloseSelectableChannel", m -> true));
        assertTrue(callsHook(close.get(1), HookClass.CLOSING), "the close calls the hook first: " + close.subList(0, 2));
    }

    @Test
    void aClassWithoutTheMethodsIsRefusedNamingThem() throws IOException {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SocketChannelTransformer.hook(jdkClass("java/lang/Object")));
        assertTrue(e.getMessage().contains("0 returns in setOption") && e.getMessage().contains("0 implCloseSelectableChannel"),
                e.getMessage());
    }

    @Test
    void theHookClassVerifies() {
        assertEquals(List.of(), ClassFile.of().verify(HookClass.bytes()));
    }

    private static boolean returnsSocketChannel(MethodModel m) {
        return m.methodType().stringValue().endsWith(")Ljava/nio/channels/SocketChannel;");
    }

    private static boolean callsHook(Instruction i, String name) {
        return i instanceof InvokeInstruction call && call.opcode() == Opcode.INVOKESTATIC
                && call.owner().asSymbol().equals(HookClass.HOOK) && call.name().equalsString(name);
    }

    private static MethodModel method(ClassModel c, String name, java.util.function.Predicate<MethodModel> which) {
        return c.methods().stream().filter(m -> m.methodName().equalsString(name) && which.test(m)).findFirst().orElseThrow();
    }

    private static List<Instruction> instructions(MethodModel m) {
        return m.code().orElseThrow().elementStream()
                .filter(e -> e instanceof Instruction).map(e -> (Instruction) (CodeElement) e).toList();
    }

    private static byte[] jdkClass(String internalName) throws IOException {
        try (InputStream in = ClassLoader.getSystemResourceAsStream(internalName + ".class")) {
            return in.readAllBytes();
        }
    }
}
