"""The sandbox's demo OAuth client: the one client id and secret its identity provider accepts
by default (``SandboxConfig.client_id`` / ``client_secret``).

Plain constants with no imports, so that a client (the ``easyink`` command logging in to a
sandbox on this machine) can read them without the sandbox extra installed.
"""

from __future__ import annotations

SANDBOX_CLIENT_ID = "easyink-sandbox"
SANDBOX_CLIENT_SECRET = "sandbox-secret"
