// A RouteGuide client in Go (grpc-go), calling each method as the grpc-go example's client does.
// It prints one JSON value on standard output (protobuf JSON names), or {"error":{"code","details"}}
// when the call fails with a status.
//
//	client record  TARGET POINTS.json       stream the points, print the RouteSummary
//	client cancel  TARGET POINTS.json       stream the points, print {"sent":N}, then cancel the
//	                                        call when standard input closes and print its status
//	client feature TARGET LAT LON           print the Feature at a point
//	client list    TARGET LAT LON LAT LON   print the Features in a rectangle, in the order received
//	client chat    TARGET NOTES.json        send the notes, print every note received, in order
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/ioutil"
	"os"
	"strconv"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	_ "routeguide.interop/codec"
	pb "routeguide.interop/routeguide"
)

const callTimeout = 2 * time.Minute

var printer = protojson.MarshalOptions{EmitUnpopulated: true}

func main() {
	if len(os.Args) < 3 {
		fail(2, "usage: client record|cancel|feature|list|chat TARGET ...")
	}
	mode, target, rest := os.Args[1], os.Args[2], os.Args[3:]
	conn, err := grpc.Dial(target, grpc.WithInsecure(), grpc.WithBlock(), grpc.WithTimeout(30*time.Second))
	if err != nil {
		fail(1, "cannot connect to %s: %v", target, err)
	}
	defer conn.Close()
	client := pb.NewRouteGuideClient(conn)
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()

	switch mode {
	case "record":
		stream, _ := sendRoute(ctx, client, rest)
		summary, err := stream.CloseAndRecv()
		exitOnStatus(err)
		printMessage(summary)
	case "cancel":
		stream, sent := sendRoute(ctx, client, rest)
		fmt.Printf("{\"sent\":%d}\n", sent)
		io.Copy(ioutil.Discard, os.Stdin)
		cancel()
		_, err := stream.CloseAndRecv()
		exitOnStatus(err)
		fail(1, "the cancelled call returned a summary")
	case "feature":
		feature, err := client.GetFeature(ctx, point(rest, 0))
		exitOnStatus(err)
		printMessage(feature)
	case "list":
		stream, err := client.ListFeatures(ctx, &pb.Rectangle{Lo: point(rest, 0), Hi: point(rest, 2)})
		exitOnStatus(err)
		var features []proto.Message
		for {
			feature, err := stream.Recv()
			if err == io.EOF {
				break
			}
			exitOnStatus(err)
			features = append(features, feature)
		}
		printMessages(features)
	case "chat":
		var notes []*pb.RouteNote
		readJSON(rest, 0, &notes)
		stream, err := client.RouteChat(ctx)
		exitOnStatus(err)
		received := make(chan []proto.Message)
		go func() {
			var all []proto.Message
			for {
				note, err := stream.Recv()
				if err == io.EOF {
					received <- all
					return
				}
				exitOnStatus(err)
				all = append(all, note)
			}
		}()
		for _, note := range notes {
			if err := stream.Send(note); err != nil {
				break // Recv reports the call's status
			}
		}
		exitOnStatus(stream.CloseSend())
		printMessages(<-received)
	default:
		fail(2, "unknown mode %q", mode)
	}
}

// sendRoute opens a RecordRoute call, sends the points in the file named by args[0] and returns how
// many were sent. It stops at the first failed send: the server has ended the call, and CloseAndRecv
// reports its status.
func sendRoute(ctx context.Context, client pb.RouteGuideClient, args []string) (pb.RouteGuide_RecordRouteClient, int) {
	var points []*pb.Point
	readJSON(args, 0, &points)
	stream, err := client.RecordRoute(ctx)
	exitOnStatus(err)
	sent := 0
	for _, point := range points {
		if err := stream.Send(point); err != nil {
			break
		}
		sent++
	}
	return stream, sent
}

func point(args []string, at int) *pb.Point {
	if len(args) < at+2 {
		fail(2, "expected a latitude and a longitude at argument %d", at+3)
	}
	return &pb.Point{Latitude: int32(integer(args[at])), Longitude: int32(integer(args[at+1]))}
}

func integer(text string) int64 {
	value, err := strconv.ParseInt(text, 10, 32)
	if err != nil {
		fail(2, "%q is not an int32", text)
	}
	return value
}

func readJSON(args []string, at int, into interface{}) {
	if len(args) <= at {
		fail(2, "expected a JSON file at argument %d", at+3)
	}
	data, err := ioutil.ReadFile(args[at])
	if err != nil {
		fail(1, "%v", err)
	}
	if err := json.Unmarshal(data, into); err != nil {
		fail(1, "%s: %v", args[at], err)
	}
}

// exitOnStatus prints a failed call's status as JSON and exits successfully: a status is a result.
func exitOnStatus(err error) {
	if err == nil {
		return
	}
	s, ok := status.FromError(err)
	if !ok {
		fail(1, "%v", err)
	}
	out, _ := json.Marshal(map[string]interface{}{"error": map[string]interface{}{"code": int(s.Code()), "details": s.Message()}})
	fmt.Println(string(out))
	os.Exit(0)
}

func printMessage(message proto.Message) {
	out, err := printer.Marshal(message)
	if err != nil {
		fail(1, "%v", err)
	}
	fmt.Println(string(out))
}

func printMessages(messages []proto.Message) {
	all := make([]json.RawMessage, 0, len(messages))
	for _, message := range messages {
		out, err := printer.Marshal(message)
		if err != nil {
			fail(1, "%v", err)
		}
		all = append(all, out)
	}
	out, _ := json.Marshal(all)
	fmt.Println(string(out))
}

func fail(code int, format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(code)
}
