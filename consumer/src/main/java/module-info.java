/** A program that uses mptcpj as any application would: through its exported packages only. */
module org.mptcpj.consumer {
    requires org.mptcpj;

    exports org.mptcpj.consumer;
}
