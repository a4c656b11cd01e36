using RouteGuide.Core.Tests.Harness;

namespace RouteGuide.Core.Tests.Interop;

/// <summary>
/// The Go peer in <c>interop/go</c> (grpc-go), built offline by <c>interop/go/build.sh</c> from Debian's
/// packages: Go 1.19, grpc-go 1.33, google.golang.org/protobuf, protoc-gen-go, protoc-gen-go-grpc and protoc.
/// </summary>
internal sealed class GoPeer : InteropPeer
{
    private const string Packages = "apt-get install golang-go golang-google-grpc-dev golang-google-protobuf-dev protoc-gen-go protoc-gen-go-grpc protobuf-compiler";
    private static readonly string Output = BuildDirectory("go");

    public override string Directory { get; } = RepositoryLayout.PathOf("interop", "go");

    public override ReferenceServer Reference => ReferenceServer.Go;

    protected override PeerCommand ClientCommand => new(Path.Combine(Output, "bin", "client"), [], Directory);

    protected override PeerCommand ServerCommand => new(Path.Combine(Output, "bin", "server"), [], Directory);

    protected override Task<string?> FindMissingToolAsync()
    {
        var missing = FirstMissingOnPath("Go", Packages, "go", "protoc", "protoc-gen-go", "protoc-gen-go-grpc");
        foreach (var source in new[] { "google.golang.org/grpc", "google.golang.org/protobuf" })
        {
            if (missing is null && !System.IO.Directory.Exists(Path.Combine("/usr/share/gocode/src", source)))
            {
                missing = $"/usr/share/gocode/src/{source} is missing: the interop tests with the Go RouteGuide peer build against Debian's Go sources ({Packages}).";
            }
        }

        return Task.FromResult(missing);
    }

    protected override Task BuildAsync() =>
        RunBuildStepAsync(new PeerCommand("bash", [Path.Combine(Directory, "build.sh"), Output], Directory));
}
