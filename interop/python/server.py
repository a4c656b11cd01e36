"""A RouteGuide server in Python (grpcio) that behaves as the grpc Python example's server does.

- RecordRoute adds each segment's haversine distance as a float and truncates the total once, counts
  every catalog entry at a point (named or not), and fails the call (a ValueError, so the status is
  UNKNOWN) when a total no longer fits the summary's int32 fields;
- GetFeature answers an unnamed feature at the same location when the catalog has none;
- ListFeatures streams the catalog entries inside the rectangle, in catalog order;
- RouteChat answers each note with the notes sent earlier in the same call at its location, not
  including itself: notes are not shared between calls.

Usage: server.py CATALOG.json
It prints "listening PORT" once bound to 127.0.0.1 and serves until its standard input closes.
"""
import json
import math
import sys
import time
from concurrent import futures

import grpc

import route_guide_pb2
import route_guide_pb2_grpc


def load_catalog(path):
    with open(path, encoding="utf-8") as catalog:
        return [
            route_guide_pb2.Feature(
                name=entry.get("name", ""),
                location=route_guide_pb2.Point(
                    latitude=entry["location"].get("latitude", 0),
                    longitude=entry["location"].get("longitude", 0),
                ),
            )
            for entry in json.load(catalog)
        ]


def feature_at(catalog, point):
    for feature in catalog:
        if feature.location == point:
            return feature
    return None


def segment_metres(start, end):
    """The haversine distance between two E7 points, in metres, as a float."""
    lat_1 = start.latitude / 1e7
    lat_2 = end.latitude / 1e7
    lon_1 = start.longitude / 1e7
    lon_2 = end.longitude / 1e7
    half_lat = math.radians(lat_2 - lat_1) / 2
    half_lon = math.radians(lon_2 - lon_1) / 2
    a = pow(math.sin(half_lat), 2) + (
        math.cos(math.radians(lat_1)) * math.cos(math.radians(lat_2)) * pow(math.sin(half_lon), 2)
    )
    return 6371000 * 2 * math.atan2(math.sqrt(a), math.sqrt(1 - a))


class RouteGuideServicer(route_guide_pb2_grpc.RouteGuideServicer):
    def __init__(self, catalog):
        self.catalog = catalog

    def GetFeature(self, request, context):
        feature = feature_at(self.catalog, request)
        return feature if feature is not None else route_guide_pb2.Feature(name="", location=request)

    def ListFeatures(self, request, context):
        left = min(request.lo.longitude, request.hi.longitude)
        right = max(request.lo.longitude, request.hi.longitude)
        top = max(request.lo.latitude, request.hi.latitude)
        bottom = min(request.lo.latitude, request.hi.latitude)
        for feature in self.catalog:
            location = feature.location
            if left <= location.longitude <= right and bottom <= location.latitude <= top:
                yield feature

    def RecordRoute(self, request_iterator, context):
        point_count = 0
        feature_count = 0
        distance = 0.0
        previous = None
        started = time.time()
        for point in request_iterator:
            point_count += 1
            if feature_at(self.catalog, point) is not None:
                feature_count += 1
            if previous is not None:
                distance += segment_metres(previous, point)
            previous = point
        return route_guide_pb2.RouteSummary(
            point_count=point_count,
            feature_count=feature_count,
            distance=int(distance),
            elapsed_time=int(time.time() - started),
        )

    def RouteChat(self, request_iterator, context):
        earlier = []
        for note in request_iterator:
            for previous in earlier:
                if previous.location == note.location:
                    yield previous
            earlier.append(note)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: server.py CATALOG.json")
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=10))
    route_guide_pb2_grpc.add_RouteGuideServicer_to_server(RouteGuideServicer(load_catalog(sys.argv[1])), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(f"listening {port}", flush=True)
    sys.stdin.read()
    server.stop(None)


if __name__ == "__main__":
    main()
