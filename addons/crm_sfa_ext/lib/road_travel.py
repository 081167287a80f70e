"""Travel times by road from an OSRM or Valhalla server, with no Odoo.

`RoadTravel` is a travel-time source for `routing.solve` (a callable of a list of (lat, lon)
giving a square matrix of whole seconds). It asks the server for the matrix in blocks of
BLOCK x BLOCK points (servers bound the size of one table request); when no server is set,
the server cannot be reached or answers something else than a matrix, the whole matrix comes
from the straight-line source instead and `fallback` says why, for the plan to show it.
Pairs the server cannot route (an island, a closed area) take their straight-line time.
"""

import logging

import numpy as np
import requests

_logger = logging.getLogger(__name__)

BLOCK = 100  # points per side of one table request (OSRM's default max-table-size is 100)
TIMEOUT = 60  # seconds for one block (to connect, and between bytes of the answer)


class RouterError(Exception):
    """The server did not give a matrix."""


class RoadTravel:
    def __init__(self, kind, url, straight, session=None):
        self.kind = kind
        self.url = (url or "").rstrip("/")
        self.straight = straight
        self.session = session or requests.Session()
        self.fallback = None  # why straight lines were used, or None

    def __call__(self, points):
        straight = np.asarray(self.straight(points), dtype=np.int64)
        if not points:
            return straight
        if not self.kind or not self.url:
            self.fallback = "unset"
            return straight
        try:
            matrix = self._matrix(points)
        except (requests.RequestException, RouterError, ValueError, KeyError) as error:
            _logger.warning("Router %s unusable, straight lines instead: %s", self.url, error)
            self.fallback = str(error) or error.__class__.__name__
            return straight
        self.fallback = None
        missing = matrix < 0
        matrix[missing] = straight[missing]
        return matrix

    def _matrix(self, points):
        n = len(points)
        matrix = np.full((n, n), -1, dtype=np.int64)
        for s in range(0, n, BLOCK):
            for t in range(0, n, BLOCK):
                sources, targets = points[s : s + BLOCK], points[t : t + BLOCK]
                block = (self._osrm if self.kind == "osrm" else self._valhalla)(sources, targets)
                matrix[s : s + len(sources), t : t + len(targets)] = block
        return matrix

    def _osrm(self, sources, targets):
        coords = ";".join(f"{lon:.6f},{lat:.6f}" for lat, lon in (*sources, *targets))
        response = self.session.get(
            f"{self.url}/table/v1/driving/{coords}",
            params={
                "annotations": "duration",
                "sources": ";".join(str(i) for i in range(len(sources))),
                "destinations": ";".join(str(len(sources) + i) for i in range(len(targets))),
            },
            timeout=TIMEOUT,
        )
        response.raise_for_status()
        data = response.json()
        if data.get("code") != "Ok":
            raise RouterError(data.get("message") or data.get("code"))
        return _seconds(data["durations"])

    def _valhalla(self, sources, targets):
        response = self.session.post(
            f"{self.url}/sources_to_targets",
            json={
                "sources": [{"lat": lat, "lon": lon} for lat, lon in sources],
                "targets": [{"lat": lat, "lon": lon} for lat, lon in targets],
                "costing": "auto",
            },
            timeout=TIMEOUT,
        )
        response.raise_for_status()
        rows = response.json()["sources_to_targets"]
        return _seconds([[cell.get("time") for cell in row] for row in rows])


def _seconds(rows):
    """Whole seconds from the server's rows; -1 where it found no route."""
    return np.array(
        [[-1 if value is None else round(value) for value in row] for row in rows],
        dtype=np.int64,
    )
