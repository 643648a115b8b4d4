package io.artstore.ingester.archfixture.core.transfer;

/** Breaks the rule that core.transfer starts no threads. */
public final class TransferThatStartsAThread {

    public void runInTheBackground(Runnable phaseTwo) {
        new Thread(phaseTwo).start();
    }
}
