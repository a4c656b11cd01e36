// A RouteGuide server in Go (grpc-go) that behaves as the grpc-go example's server does:
//   - RecordRoute truncates each segment's haversine distance to whole metres before adding it,
//     counts every catalog entry at a point (named or not), and keeps int32 counters that wrap;
//   - GetFeature answers an unnamed feature at the same location when the catalog has none;
//   - ListFeatures streams the catalog entries inside the rectangle, in catalog order;
//   - RouteChat stores each note first, then sends every note at its location, its own included;
//     notes are shared by all calls.
//
// Usage: server CATALOG.json
// It prints "listening PORT" once bound to 127.0.0.1 and serves until its standard input closes.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/ioutil"
	"math"
	"net"
	"os"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	_ "routeguide.interop/codec"
	pb "routeguide.interop/routeguide"
)

type routeGuideServer struct {
	pb.UnimplementedRouteGuideServer
	features []*pb.Feature

	mu    sync.Mutex
	notes map[string][]*pb.RouteNote
}

func (s *routeGuideServer) GetFeature(ctx context.Context, point *pb.Point) (*pb.Feature, error) {
	for _, feature := range s.features {
		if proto.Equal(feature.Location, point) {
			return feature, nil
		}
	}
	return &pb.Feature{Location: point}, nil
}

func (s *routeGuideServer) ListFeatures(rect *pb.Rectangle, stream pb.RouteGuide_ListFeaturesServer) error {
	for _, feature := range s.features {
		if within(feature.Location, rect) {
			if err := stream.Send(feature); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *routeGuideServer) RecordRoute(stream pb.RouteGuide_RecordRouteServer) error {
	var pointCount, featureCount, distance int32
	var previous *pb.Point
	started := time.Now()
	for {
		point, err := stream.Recv()
		if err == io.EOF {
			return stream.SendAndClose(&pb.RouteSummary{
				PointCount:   pointCount,
				FeatureCount: featureCount,
				Distance:     distance,
				ElapsedTime:  int32(time.Since(started).Seconds()),
			})
		}
		if err != nil {
			return err
		}
		pointCount++
		for _, feature := range s.features {
			if proto.Equal(feature.Location, point) {
				featureCount++
			}
		}
		if previous != nil {
			distance += segmentMetres(previous, point)
		}
		previous = point
	}
}

func (s *routeGuideServer) RouteChat(stream pb.RouteGuide_RouteChatServer) error {
	for {
		note, err := stream.Recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		key := fmt.Sprintf("%d %d", note.Location.GetLatitude(), note.Location.GetLongitude())
		s.mu.Lock()
		s.notes[key] = append(s.notes[key], note)
		here := append([]*pb.RouteNote(nil), s.notes[key]...)
		s.mu.Unlock()
		for _, earlier := range here {
			if err := stream.Send(earlier); err != nil {
				return err
			}
		}
	}
}

// segmentMetres is the haversine distance between two E7 points, truncated to whole metres.
func segmentMetres(from, to *pb.Point) int32 {
	const e7 = 1e7
	const earthRadius = 6371000.0
	radians := func(degrees float64) float64 { return degrees * math.Pi / 180 }
	lat1 := radians(float64(from.Latitude) / e7)
	lat2 := radians(float64(to.Latitude) / e7)
	lon1 := radians(float64(from.Longitude) / e7)
	lon2 := radians(float64(to.Longitude) / e7)
	sinLat := math.Sin((lat2 - lat1) / 2)
	sinLon := math.Sin((lon2 - lon1) / 2)
	a := sinLat*sinLat + math.Cos(lat1)*math.Cos(lat2)*sinLon*sinLon
	c := 2 * math.Atan2(math.Sqrt(a), math.Sqrt(1-a))
	return int32(earthRadius * c)
}

func within(point *pb.Point, rect *pb.Rectangle) bool {
	left := math.Min(float64(rect.Lo.GetLongitude()), float64(rect.Hi.GetLongitude()))
	right := math.Max(float64(rect.Lo.GetLongitude()), float64(rect.Hi.GetLongitude()))
	bottom := math.Min(float64(rect.Lo.GetLatitude()), float64(rect.Hi.GetLatitude()))
	top := math.Max(float64(rect.Lo.GetLatitude()), float64(rect.Hi.GetLatitude()))
	longitude, latitude := float64(point.GetLongitude()), float64(point.GetLatitude())
	return longitude >= left && longitude <= right && latitude >= bottom && latitude <= top
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: server CATALOG.json")
		os.Exit(2)
	}
	data, err := ioutil.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var features []*pb.Feature
	if err := json.Unmarshal(data, &features); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", os.Args[1], err)
		os.Exit(1)
	}

	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	server := grpc.NewServer()
	pb.RegisterRouteGuideServer(server, &routeGuideServer{features: features, notes: map[string][]*pb.RouteNote{}})
	fmt.Printf("listening %d\n", listener.Addr().(*net.TCPAddr).Port)

	go func() {
		io.Copy(ioutil.Discard, os.Stdin)
		server.Stop()
	}()
	if err := server.Serve(listener); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
