"""A RouteGuide client in Python (grpcio), calling each method as the grpc Python example's client does.

It prints one JSON value on standard output (protobuf JSON names), or {"error": {"code", "details"}}
when the call fails with a status.

  client.py record  TARGET POINTS.json       stream the points, print the RouteSummary
  client.py cancel  TARGET POINTS.json       stream the points, print {"sent": N}, then cancel the
                                             call when standard input closes and print its status
  client.py feature TARGET LAT LON           print the Feature at a point
  client.py list    TARGET LAT LON LAT LON   print the Features in a rectangle, in the order received
  client.py chat    TARGET NOTES.json        send the notes, print every note received, in order
"""
import json
import sys
import threading

import grpc
from google.protobuf import json_format

import route_guide_pb2
import route_guide_pb2_grpc

CALL_TIMEOUT_SECONDS = 120


def to_json(message):
    return json_format.MessageToDict(message, including_default_value_fields=True)


def read_points(path):
    with open(path, encoding="utf-8") as points:
        return [route_guide_pb2.Point(latitude=p.get("latitude", 0), longitude=p.get("longitude", 0)) for p in json.load(points)]


def read_notes(path):
    with open(path, encoding="utf-8") as notes:
        return [json_format.ParseDict(note, route_guide_pb2.RouteNote()) for note in json.load(notes)]


def point(latitude, longitude):
    return route_guide_pb2.Point(latitude=int(latitude), longitude=int(longitude))


def print_status(error):
    print(json.dumps({"error": {"code": error.code().value[0], "details": error.details()}}), flush=True)


def cancel_after_sending(stub, points):
    all_taken = threading.Event()
    finish = threading.Event()

    def route():
        yield from points
        all_taken.set()
        finish.wait()

    call = stub.RecordRoute.future(route(), timeout=CALL_TIMEOUT_SECONDS)
    all_taken.wait(CALL_TIMEOUT_SECONDS)
    print(json.dumps({"sent": len(points)}), flush=True)
    sys.stdin.read()
    call.cancel()
    finish.set()
    code = call.code()
    print(json.dumps({"error": {"code": code.value[0], "details": call.details() or ""}}), flush=True)


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: client.py record|cancel|feature|list|chat TARGET ...")
    mode, target, rest = sys.argv[1], sys.argv[2], sys.argv[3:]
    with grpc.insecure_channel(target) as channel:
        stub = route_guide_pb2_grpc.RouteGuideStub(channel)
        try:
            if mode == "record":
                summary = stub.RecordRoute(iter(read_points(rest[0])), timeout=CALL_TIMEOUT_SECONDS)
                print(json.dumps(to_json(summary)))
            elif mode == "cancel":
                cancel_after_sending(stub, read_points(rest[0]))
            elif mode == "feature":
                feature = stub.GetFeature(point(rest[0], rest[1]), timeout=CALL_TIMEOUT_SECONDS)
                print(json.dumps(to_json(feature)))
            elif mode == "list":
                rectangle = route_guide_pb2.Rectangle(lo=point(rest[0], rest[1]), hi=point(rest[2], rest[3]))
                features = stub.ListFeatures(rectangle, timeout=CALL_TIMEOUT_SECONDS)
                print(json.dumps([to_json(feature) for feature in features]))
            elif mode == "chat":
                notes = stub.RouteChat(iter(read_notes(rest[0])), timeout=CALL_TIMEOUT_SECONDS)
                print(json.dumps([to_json(note) for note in notes]))
            else:
                sys.exit(f"unknown mode {mode}")
        except grpc.RpcError as error:
            print_status(error)


if __name__ == "__main__":
    main()
