#!/usr/bin/python3
"""Executes a command under the seccomp policy of a systemd unit, stricter where it matters.

Usage: seccomp_exec.py UNIT_FILE COMMAND [ARGUMENT...]

- SystemCallFilter= lines are expanded with `systemd-analyze syscall-filter` (the first line's
  allow list, minus every `~` group after it); any other system call kills the process
  (SIGSYS), where the unit would only fail it with SystemCallErrorNumber=, so nothing is hidden.
  The calls in TOLERATED_REFUSALS, made by the Swift runtime's libraries and known to be
  harmless when refused, fail with the unit's SystemCallErrorNumber= instead, as in the unit.
- MemoryDenyWriteExecute=yes: as systemd 252 does it with seccomp (kill on mmap with
  PROT_WRITE|PROT_EXEC, on mprotect/pkey_mprotect adding PROT_EXEC, on shmat with SHM_EXEC), plus
  the kernel's own prctl(PR_SET_MDWE) where the kernel has it (6.3+).
- RestrictAddressFamilies=: socket() with another family fails with EAFNOSUPPORT, as in systemd.
- RestrictNamespaces=yes: clone3 fails with ENOSYS (systemd cannot inspect its flags, so libc
  falls back to clone), clone with CLONE_NEW* flags, unshare and setns fail with EPERM.
"""
import ctypes
import errno
import os
import re
import subprocess
import sys

import seccomp

PROT_WRITE, PROT_EXEC, SHM_EXEC = 0x2, 0x4, 0o100000
CLONE_NEW_FLAGS = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000 | 0x00000080
AF_MAX = 46
PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN = 65, 1
# libdispatch sets each worker thread's nice value and ignores a failure (checked by running
# Foundation and NIO code with it refused).
TOLERATED_REFUSALS = ["setpriority"]


def service_settings(unit_path):
    """The [Service] section's assignments, in order, as (key, value) pairs."""
    settings, section = [], None
    with open(unit_path, encoding="utf-8") as unit:
        for line in unit:
            line = line.strip()
            if not line or line[0] in "#;":
                continue
            if line.startswith("["):
                section = line
            elif section == "[Service]" and "=" in line:
                key, value = line.split("=", 1)
                settings.append((key.strip(), value.strip()))
    return settings


def expand(name, seen=None):
    """The system calls a name stands for; groups (@...) are expanded recursively."""
    if not name.startswith("@"):
        return {name}
    seen = seen if seen is not None else set()
    if name in seen:
        return set()
    seen.add(name)
    listing = subprocess.run(["systemd-analyze", "syscall-filter", name], check=True, capture_output=True,
                             text=True).stdout.splitlines()
    calls = set()
    for entry in listing[1:]:  # the first line repeats the group's name
        entry = entry.strip()
        if entry and not entry.startswith("#"):
            calls |= expand(entry, seen)
    return calls


def allowed_calls(settings):
    allowed = None
    for key, value in settings:
        if key != "SystemCallFilter" or not value:
            continue
        deny = value.startswith("~")
        names = set()
        for name in value.lstrip("~").split():
            names |= expand(name)
        if allowed is None:
            if deny:
                sys.exit("seccomp_exec: the unit's first SystemCallFilter= must be an allow list")
            allowed = names
        elif deny:
            allowed -= names
        else:
            allowed |= names
    if allowed is None:
        sys.exit("seccomp_exec: the unit has no SystemCallFilter=")
    return allowed


def address_families(settings):
    names = next((v.split() for k, v in reversed(settings) if k == "RestrictAddressFamilies"), None)
    if names is None:
        return None
    import socket
    return {getattr(socket, name) for name in names}


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    settings = service_settings(sys.argv[1])
    command = sys.argv[2:]
    flags = {k: v for k, v in settings}

    allowed = allowed_calls(settings)
    allow = seccomp.SyscallFilter(defaction=seccomp.KILL_PROCESS)
    known = 0
    for call in sorted(allowed):
        try:
            allow.add_rule_exactly(seccomp.ALLOW, call)
            known += 1
        except (RuntimeError, ValueError):
            pass  # not a system call of this architecture
    refusal = getattr(errno, flags.get("SystemCallErrorNumber", ""), None)
    for call in TOLERATED_REFUSALS:
        if call not in allowed and refusal is not None:
            allow.add_rule_exactly(seccomp.ERRNO(refusal), call)
    print(f"seccomp_exec: {known} system calls allowed, {', '.join(TOLERATED_REFUSALS)} refused, any other kills",
          file=sys.stderr)

    refine = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    if flags.get("MemoryDenyWriteExecute") == "yes":
        kill = seccomp.KILL_PROCESS
        for wx in [PROT_WRITE | PROT_EXEC]:
            refine.add_rule_exactly(kill, "mmap", seccomp.Arg(2, seccomp.MASKED_EQ, wx, wx))
        for call in ["mprotect", "pkey_mprotect"]:
            refine.add_rule_exactly(kill, call, seccomp.Arg(2, seccomp.MASKED_EQ, PROT_EXEC, PROT_EXEC))
        refine.add_rule_exactly(kill, "shmat", seccomp.Arg(2, seccomp.MASKED_EQ, SHM_EXEC, SHM_EXEC))
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) == 0:
            print("seccomp_exec: prctl(PR_SET_MDWE) set as well", file=sys.stderr)
    families = address_families(settings)
    if families is not None:
        refuse = seccomp.ERRNO(errno.EAFNOSUPPORT)
        for family in range(AF_MAX):
            if family not in families:
                refine.add_rule_exactly(refuse, "socket", seccomp.Arg(0, seccomp.EQ, family))
        refine.add_rule_exactly(refuse, "socket", seccomp.Arg(0, seccomp.GE, AF_MAX))
    if flags.get("RestrictNamespaces") == "yes":
        refine.add_rule_exactly(seccomp.ERRNO(errno.ENOSYS), "clone3")
        refine.add_rule_exactly(seccomp.ERRNO(errno.EPERM), "unshare")
        refine.add_rule_exactly(seccomp.ERRNO(errno.EPERM), "setns")
        for flag in range(32):
            if CLONE_NEW_FLAGS & (1 << flag):
                refine.add_rule_exactly(seccomp.ERRNO(errno.EPERM), "clone",
                                        seccomp.Arg(0, seccomp.MASKED_EQ, 1 << flag, 1 << flag))

    # The refining filter first: once the allow list is in, seccomp() itself may be gone.
    refine.load()
    allow.load()
    os.execvp(command[0], command)


if __name__ == "__main__":
    main()
