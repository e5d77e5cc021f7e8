"""Wiring: configuration, the command line, and one adapter per chat channel."""

import importlib.util
import sys

# httpcore asks `import sniffio` about ten times for each request it sends (to learn which
# async library runs it) and, sniffio absent, falls back to asyncio. A failed import is not
# remembered: each one searches every folder of sys.path again, a sixth of a Bot API call's
# CPU. Marked absent once here, the import fails at once; installed, sniffio is used as is.
if importlib.util.find_spec("sniffio") is None:
    sys.modules["sniffio"] = None  # type: ignore[assignment]
