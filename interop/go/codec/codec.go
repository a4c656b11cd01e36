// Package codec replaces grpc-go's "proto" codec with one built on google.golang.org/protobuf.
//
// Debian's grpc-go 1.33 marshals through github.com/golang/protobuf v1.3, which predates the
// messages that today's protoc-gen-go writes and panics on them. This codec marshals with the
// current protobuf runtime instead. The codec name stays "proto" and the bytes are the standard
// protobuf encoding, so nothing changes on the wire: peers see an ordinary application/grpc call.
// Importing the package for its side effect is enough (both the server and the client do).
package codec

import (
	"fmt"

	"google.golang.org/grpc/encoding"
	"google.golang.org/protobuf/proto"
)

type protobufCodec struct{}

func init() {
	encoding.RegisterCodec(protobufCodec{})
}

func (protobufCodec) Name() string { return "proto" }

func (protobufCodec) Marshal(v interface{}) ([]byte, error) {
	message, ok := v.(proto.Message)
	if !ok {
		return nil, fmt.Errorf("codec: cannot marshal %T, it is not a protobuf message", v)
	}
	return proto.Marshal(message)
}

func (protobufCodec) Unmarshal(data []byte, v interface{}) error {
	message, ok := v.(proto.Message)
	if !ok {
		return fmt.Errorf("codec: cannot unmarshal into %T, it is not a protobuf message", v)
	}
	return proto.Unmarshal(data, message)
}
