"""Starts gcp-storage-emulator (from the cloud venv) on a free loopback port with its data in a
private folder, and prints "listening on HOST:PORT" once it accepts connections.

    python gcs_emulator.py <data dir> <bucket>
"""
import logging
import sys
import time

from gcp_storage_emulator.server import create_server


def main():
    data_dir, bucket = sys.argv[1], sys.argv[2]
    # INFO logs one line per request (the tests read which upload types were used).
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")
    server = create_server("127.0.0.1", 0, in_memory=False, default_bucket=bucket, data_dir=data_dir)
    server.start()
    # The emulator does not say which port port 0 became: read it from its HTTP server.
    port = server._api._httpd.server_address[1]
    print(f"listening on 127.0.0.1:{port}", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
