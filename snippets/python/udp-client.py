"""UDP client: connect() to the server, send, wait with a timeout and resend a bounded number of times."""
import socket
import sys


def main() -> int:
    target = sys.argv[1] if len(sys.argv) > 1 else "${1:127.0.0.1:7879}"
    host, _, port = target.rpartition(":")
    message = "${3:hello over UDP}"
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        # connect() filters out datagrams from other senders and reports ICMP "port unreachable" as an error.
        sock.connect((host, int(port)))
        sock.settimeout(${2:0.5})
        for attempt in range(1, ${4:3} + 1):
            try:
                sock.send(message.encode())
                reply = sock.recv(65536).decode()
            except TimeoutError:  # datagrams get lost: resend
                print(f"attempt {attempt}: no reply yet", file=sys.stderr)
                continue
            except OSError as e:
                print(f"{target}: {e}", file=sys.stderr)
                return 1
            if reply != f"echo: {message}":
                print(f"unexpected reply {reply!r}", file=sys.stderr)
                return 1
            $0
            print(f"server replied: {reply}")
            return 0
    print("no reply from the server", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
