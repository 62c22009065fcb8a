"""Loopback port blocks leased across processes, compatible with the Swift tests' PortBlock."""

import fcntl
import os
import socket


class PortLease:
    """The same cross-process lease as Tests/FleetTestSupport/PortBlock.swift: an exclusive flock
    per 100-port cell in /tmp/fleet-test-ports, in 20000-31999 (below the ephemeral range)."""

    def __init__(self, span=300):
        self.span = span
        os.makedirs("/tmp/fleet-test-ports", exist_ok=True)
        self.files = []
        start = (os.getpid() * 700) % 12000
        for i in range(120):
            base = 20000 + (start + i * 100) % 12000
            if base + span > 32000:
                continue
            held = []
            for cell in range(base // 100, (base + span + 99) // 100):
                f = open(f"/tmp/fleet-test-ports/{cell}.lock", "a+")
                try:
                    fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    held.append(f)
                except OSError:
                    f.close()
                    break
            else:
                if all(self._free(base + k) for k in (0, 20, 40, span - 50)):
                    self.base, self.files = base, held
                    return
            for f in held:
                f.close()
        raise RuntimeError("no free port block")

    @staticmethod
    def _free(port):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return True
            except OSError:
                return False

    def release(self):
        for f in self.files:
            f.close()
