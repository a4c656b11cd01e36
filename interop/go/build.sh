#!/usr/bin/env bash
# Builds the Go RouteGuide peer offline from Debian's packages (see docs/interop.md):
#   interop/go/build.sh OUT     writes OUT/bin/server and OUT/bin/client
# GOPATH mode: OUT/src/routeguide.interop holds a copy of these sources and the stubs that protoc
# generates from protos/route_guide.proto; every other import comes from /usr/share/gocode.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
protos=$(cd "$here/../../protos" && pwd)
out=$(mkdir -p "$1" && cd "$1" && pwd)
package=routeguide.interop

rm -rf "$out/src"
mkdir -p "$out/src/$package/routeguide" "$out/bin"
cp -R "$here/codec" "$here/server" "$here/client" "$out/src/$package/"
protoc -I "$protos" \
  --go_out="$out/src/$package/routeguide" --go_opt=paths=source_relative --go_opt=Mroute_guide.proto=$package/routeguide \
  --go-grpc_out="$out/src/$package/routeguide" --go-grpc_opt=paths=source_relative --go-grpc_opt=Mroute_guide.proto=$package/routeguide \
  route_guide.proto

export GO111MODULE=off GOPATH="$out:/usr/share/gocode" GOFLAGS= GOCACHE="${GOCACHE:-$out/cache}"
go build -o "$out/bin/server" "$package/server"
go build -o "$out/bin/client" "$package/client"
