"""HTTP helpers shared by the registry / logged-model end-to-end tests."""

API = "/api/2.0/mlflow/"


def call(s, method, endpoint, body=None, params=None):
    """(status, json) of /api/2.0/mlflow/<endpoint>."""
    return s.request(method, API + endpoint, body=body, params=params)


def ok(s, method, endpoint, body=None, params=None):
    status, out = call(s, method, endpoint, body, params)
    assert status == 200, f"{method} {endpoint} -> {status}: {out}"
    return out


def error(s, method, endpoint, body=None, params=None):
    """(status, error_code, message) of a call that must fail with a JSON error."""
    status, out = call(s, method, endpoint, body, params)
    assert status != 200, f"{method} {endpoint} unexpectedly succeeded: {out}"
    assert isinstance(out, dict), out
    return status, out["error_code"], out["message"]
