"""Settings (loopkeeper.toml, LOOPKEEPER_*, defaults), the chat channels they name, and the
night's clock."""

# Prefect's temporary API gets 20 s to start by default: on a busy 2-core machine (a bench at a
# million items beside other work) that was too short, and the night failed before it began.
# The CLI sets this allowance, and the bench's nightly processes inherit it.
PREFECT_STARTUP_SECONDS = "180"
