# A loopback HTTPS receiver for TLS-RPT (RFC 8460 §5.4): saves each POST body (and its Content-Type) in a folder
# and answers 201. Arguments: port cert.pem key.pem folder.
import http.server
import ssl
import sys
import threading

port, cert, key, folder = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
lock = threading.Lock()
count = [0]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        with lock:
            count[0] += 1
            n = count[0]
        with open(f"{folder}/{n}.ctype", "w") as f:
            f.write(self.headers.get("Content-Type", ""))
        with open(f"{folder}/{n}.body.tmp", "wb") as f:
            f.write(body)
        import os
        os.rename(f"{folder}/{n}.body.tmp", f"{folder}/{n}.body")
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
server.socket = context.wrap_socket(server.socket, server_side=True)
print("listening", flush=True)
server.serve_forever()
