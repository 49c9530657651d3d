"""Raw HTTP helpers for the artifact tests. http.client sends paths verbatim (requests/urllib3 would
normalise '..' away before the server sees it)."""
import http.client
import json

PROXY = "/api/2.0/mlflow-artifacts/artifacts"


def raw(srv, method, path, body=None, headers=None, timeout=60):
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        data = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data
    finally:
        conn.close()


def as_json(data):
    try:
        return json.loads(data)
    except ValueError:
        return None


def put(srv, rel, data, content_type="application/octet-stream"):
    return raw(srv, "PUT", f"{PROXY}/{rel}", body=data, headers={"Content-Type": content_type})


def get(srv, rel):
    return raw(srv, "GET", f"{PROXY}/{rel}")


def list_dir(srv, rel=None):
    from urllib.parse import quote
    q = "" if rel is None else "?path=" + quote(rel, safe="")
    status, _, data = raw(srv, "GET", PROXY + q)
    return status, as_json(data)


def mpu(srv, action, rel, body):
    return raw(srv, "POST", f"/api/2.0/mlflow-artifacts/mpu/{action}/{rel}", body=json.dumps(body),
               headers={"Content-Type": "application/json"})
