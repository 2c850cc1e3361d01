"""`hiebroker serve` as a child process: started, its listeners' ports read from the
`listening NAME ADDRESS:PORT` lines it prints, then killed, stopped or sampled."""
import os
import re
import signal
import subprocess
import time

LISTENING = re.compile(r"^listening (\S+) \S+:(\d+)$")


class BrokerError(Exception):
    pass


class Broker:
    def __init__(self, binary, config, work, settings=()):
        self.binary, self.config, self.work = binary, config, work
        self.settings = list(settings)
        self.process = None
        self.ports = {}

    def start(self, listeners, timeout_s=60):
        """Starts the broker and waits until every listener named in `listeners` is up (a
        sanitized build takes a few seconds). stderr is appended to WORK/broker.err over the
        restarts, so a crash log survives the next start."""
        command = [self.binary, "serve", "--config", self.config]
        for setting in self.settings:
            command += ["--set", setting]
        out_path = os.path.join(self.work, "broker.out")
        with open(out_path, "w") as out, open(os.path.join(self.work, "broker.err"), "a") as err:
            self.process = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            self.ports = self._listening(out_path)
            if all(name in self.ports for name in listeners):
                return self.ports
            if self.process.poll() is not None:
                raise BrokerError("the broker exited with %d at start (see %s/broker.err)"
                                  % (self.process.returncode, self.work))
            time.sleep(0.05)
        self.kill()
        raise BrokerError("the broker did not list %s within %d s" % (", ".join(listeners), timeout_s))

    @staticmethod
    def _listening(out_path):
        ports = {}
        with open(out_path) as out:
            for line in out:
                match = LISTENING.match(line.strip())
                if match:
                    ports[match.group(1)] = int(match.group(2))
        return ports

    def kill(self):
        """SIGKILL, and reaped: on return the store's files are no longer open."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        if self.process:
            self.process.wait()

    def stop(self, timeout_s=60):
        """SIGTERM and wait for a clean exit; the exit code (0 is clean), or None when it had to
        be killed after timeout_s."""
        if not self.process or self.process.poll() is not None:
            return self.process.returncode if self.process else 0
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def rss_kib(self):
        """VmRSS in KiB, or None when the process is gone."""
        try:
            with open("/proc/%d/status" % self.process.pid) as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return None
