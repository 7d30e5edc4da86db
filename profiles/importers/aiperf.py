"""AIPerf placeholder (replaced below)."""


def looks_like_aiperf(data) -> bool:
    return False


def read_aiperf(data, origin):
    raise NotImplementedError
