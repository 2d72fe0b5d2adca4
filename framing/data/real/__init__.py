"""Real published passages (Kremlin, UN General Debate, White House, Wikinews), labelled; see framing.realtext and NOTICE."""
