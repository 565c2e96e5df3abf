"""A throwaway dovecot IMAP server on loopback for the round-trip tests."""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_internal_group = {internal_group}
default_login_user = {login}
first_valid_uid = {uid}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


def dovecot_binary() -> str | None:
    return shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Dovecot:
    user = "service@provider.test"
    password = "imap-test-pass"

    def __init__(self, binary: str):
        self.binary = binary
        self.root = Path(tempfile.mkdtemp(prefix="itsm-dovecot-"))
        self.root.chmod(0o755)
        self.port = free_port()
        if os.geteuid() == 0:
            # Dovecot refuses mail access as root; its own service users exist on Debian.
            mail = pwd.getpwnam("dovecot")
            internal, internal_group, login = "dovecot", "dovecot", "dovenull"
        else:
            mail = pwd.getpwuid(os.geteuid())
            internal = login = mail.pw_name
            internal_group = mail.pw_name
        self.uid, self.gid = mail.pw_uid, mail.pw_gid
        home = self.root / "home"
        home.mkdir()
        os.chown(home, self.uid, self.gid)
        (self.root / "passwd").write_text(f"{self.user}:{{PLAIN}}{self.password}\n")
        self.config = self.root / "dovecot.conf"
        self.config.write_text(
            CONFIG.format(
                root=self.root,
                port=self.port,
                uid=self.uid,
                gid=self.gid,
                internal=internal,
                internal_group=internal_group,
                login=login,
            )
        )

    def start(self) -> None:
        subprocess.run([self.binary, "-c", str(self.config)], check=True, timeout=20)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    if sock.recv(100).startswith(b"* OK"):
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"dovecot did not start: {self.log()}")

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def stop(self) -> None:
        subprocess.run([self.binary, "-c", str(self.config), "stop"], check=False, timeout=20)
        shutil.rmtree(self.root, ignore_errors=True)
