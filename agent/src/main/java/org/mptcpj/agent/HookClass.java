package org.mptcpj.agent;

import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_void;

import java.lang.classfile.ClassFile;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.AccessFlag;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The class {@code sun.nio.ch.MptcpjHook}, which the JDK's socket channel calls once
 * {@link SocketChannelTransformer} has added the calls. It is generated here and defined in
 * {@code java.base}'s own package and loader, so the JDK's code reaches it with no readability change
 * and a retransformed, already loaded {@code SocketChannelImpl} only gains calls. As Java it reads:
 * <pre>
 * package sun.nio.ch;
 * public final class MptcpjHook {
 *     public static volatile BiConsumer&lt;Object, Object&gt; onOptionSet; // (channel, option)
 *     public static volatile Consumer&lt;Object&gt; onClosing;              // (channel)
 *     public static void optionSet(Object channel, Object option) {
 *         BiConsumer h = onOptionSet; if (h != null) h.accept(channel, option);
 *     }
 *     public static void closing(Object channel) {
 *         Consumer h = onClosing; if (h != null) h.accept(channel);
 *     }
 * }
 * </pre>
 * The handlers must never throw: their exceptions would come out of the JDK's {@code setOption} and {@code close}.
 */
final class HookClass {
    static final String PACKAGE = "sun.nio.ch";
    static final ClassDesc HOOK = ClassDesc.of(PACKAGE, "MptcpjHook");
    static final String OPTION_SET = "optionSet";
    static final MethodTypeDesc OPTION_SET_TYPE = MethodTypeDesc.of(CD_void, CD_Object, CD_Object);
    static final String CLOSING = "closing";
    static final MethodTypeDesc CLOSING_TYPE = MethodTypeDesc.of(CD_void, CD_Object);

    private static final ClassDesc BI_CONSUMER = ClassDesc.of("java.util.function.BiConsumer");
    private static final ClassDesc CONSUMER = ClassDesc.of("java.util.function.Consumer");
    private static final int PUBLIC_STATIC = ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC;

    private HookClass() {
    }

    /**
     * Defines the hook class next to {@code sun.nio.ch.SelChImpl} (the agent must have that package
     * opened to it) and sets its handlers.
     */
    static void define(BiConsumer<Object, Object> onOptionSet, Consumer<Object> onClosing) throws ReflectiveOperationException {
        Class<?> anchor = Class.forName(PACKAGE + ".SelChImpl", false, null);
        Class<?> hook = MethodHandles.privateLookupIn(anchor, MethodHandles.lookup()).defineClass(bytes());
        hook.getField("onOptionSet").set(null, onOptionSet);
        hook.getField("onClosing").set(null, onClosing);
    }

    static byte[] bytes() {
        return ClassFile.of().build(HOOK, cb -> cb
                .withFlags(AccessFlag.PUBLIC, AccessFlag.FINAL, AccessFlag.SYNTHETIC)
                .withSuperclass(CD_Object)
                .withField("onOptionSet", BI_CONSUMER, PUBLIC_STATIC | ClassFile.ACC_VOLATILE)
                .withField("onClosing", CONSUMER, PUBLIC_STATIC | ClassFile.ACC_VOLATILE)
                .withMethodBody(OPTION_SET, OPTION_SET_TYPE, PUBLIC_STATIC, code -> {
                    var none = code.newLabel();
                    code.getstatic(HOOK, "onOptionSet", BI_CONSUMER).astore(2)
                            .aload(2).ifnull(none)
                            .aload(2).aload(0).aload(1)
                            .invokeinterface(BI_CONSUMER, "accept", MethodTypeDesc.of(CD_void, CD_Object, CD_Object))
                            .labelBinding(none)
                            .return_();
                })
                .withMethodBody(CLOSING, CLOSING_TYPE, PUBLIC_STATIC, code -> {
                    var none = code.newLabel();
                    code.getstatic(HOOK, "onClosing", CONSUMER).astore(1)
                            .aload(1).ifnull(none)
                            .aload(1).aload(0)
                            .invokeinterface(CONSUMER, "accept", MethodTypeDesc.of(CD_void, CD_Object))
                            .labelBinding(none)
                            .return_();
                }));
    }
}
