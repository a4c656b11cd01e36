using RouteGuide.Core.Tests.Harness;

namespace RouteGuide.Core.Tests.Interop;

/// <summary>
/// The Node.js peer in <c>interop/node</c> (@grpc/grpc-js, pinned by its package-lock.json), whose
/// packages <c>npm ci</c> installs on first use into <c>interop/node/node_modules</c> (ignored by git and
/// out of every build).
/// </summary>
internal sealed class NodePeer : InteropPeer
{
    public override string Directory { get; } = RepositoryLayout.PathOf("interop", "node");

    public override ReferenceServer Reference => ReferenceServer.Node;

    protected override PeerCommand ClientCommand => new("node", ["client.js"], Directory);

    protected override PeerCommand ServerCommand => new("node", ["server.js"], Directory);

    protected override Task<string?> FindMissingToolAsync() =>
        Task.FromResult(FirstMissingOnPath("Node.js", "Node.js 18 or later with npm", "node", "npm"));

    protected override Task BuildAsync() =>
        File.Exists(Path.Combine(Directory, "node_modules", "@grpc", "grpc-js", "package.json"))
            ? Task.CompletedTask
            : RunBuildStepAsync(new PeerCommand("npm", ["ci", "--no-audit", "--no-fund"], Directory));
}
