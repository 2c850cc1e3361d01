"""MLLP for the proof harnesses: a client that sends one message and waits for its ACK, and a
subscriber's receiver that answers every delivery with AA and hands it to a callback."""
import socket
import threading

import hl7

START, END = b"\x0b", b"\x1c\x0d"


def frame(message):
    return START + message + END


class FrameReader:
    """Reads MLLP frames from a socket; bytes outside a frame are skipped."""

    def __init__(self, sock):
        self.sock = sock
        self.buffer = b""

    def next(self):
        """The next frame's payload, or None when the peer closed the connection."""
        while True:
            start = self.buffer.find(START)
            end = self.buffer.find(END, start + 1) if start >= 0 else -1
            if end >= 0:
                payload = self.buffer[start + 1:end]
                self.buffer = self.buffer[end + len(END):]
                return payload
            chunk = self.sock.recv(65536)
            if not chunk:
                return None
            self.buffer += chunk


class MllpClient:
    """One sender connection. Any failure (refused, reset, timeout, closed) raises OSError, and
    the caller cannot know whether the message was stored: it resends it later."""

    def __init__(self, port, timeout_s=30):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout_s)
        self.reader = FrameReader(self.sock)

    def send(self, message):
        """(MSA-1, MSA-2) of the ACK."""
        self.sock.sendall(frame(message))
        ack = self.reader.next()
        if ack is None:
            raise ConnectionResetError("the broker closed the connection")
        return hl7.ack_code(ack)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class SubscriberReceiver:
    """An MLLP receiver on 127.0.0.1:port (port 0: the kernel picks) that answers every message
    with AA, after on_message(message) returned, so that whatever the broker counts as
    delivered has been recorded here first. Serves any number of connections, one thread each."""

    def __init__(self, on_message, port=0):
        self.on_message = on_message
        self.listener = socket.create_server(("127.0.0.1", port), backlog=16)
        self.port = self.listener.getsockname()[1]
        self.stopping = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.stopping:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        reader = FrameReader(conn)
        try:
            while True:
                message = reader.next()
                if message is None:
                    return
                self.on_message(message)
                conn.sendall(frame(hl7.accept(message)))
        except OSError:
            pass  # the broker died or dropped the connection: it resends what was not acked
        finally:
            conn.close()

    def close(self):
        self.stopping = True
        self.listener.close()
