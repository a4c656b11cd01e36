using System.Text.Json;
using System.Text.Json.Serialization;
using RouteGuide.Core.Statistics;

namespace RouteGuide.Cli;

/// <summary>One entry of a points file: <c>{"latitude":..,"longitude":..}</c> in E7 units.</summary>
internal sealed class PointJson
{
    [JsonRequired]
    [JsonConverter(typeof(WholeNumberJsonConverter))]
    public int Latitude { get; set; }

    [JsonRequired]
    [JsonConverter(typeof(WholeNumberJsonConverter))]
    public int Longitude { get; set; }
}

/// <summary>What <c>record --json</c> prints: the points sent and the server's summary.</summary>
/// <param name="PointsSent">Points the client sent.</param>
/// <param name="PointCount">Points the server counted.</param>
/// <param name="FeatureCount">Points that landed on a catalog feature.</param>
/// <param name="DistanceMetres">Distance travelled, in whole metres.</param>
/// <param name="ElapsedSeconds">Time the server measured, in whole seconds.</param>
internal sealed record RecordResultJson(int PointsSent, int PointCount, int FeatureCount, int DistanceMetres, int ElapsedSeconds);

/// <summary>What <c>bench --json</c> prints: the run, its throughput and the count check.</summary>
/// <param name="Target">The server.</param>
/// <param name="InProcess">Whether the server ran in the benchmark's process.</param>
/// <param name="Calls">Concurrent calls.</param>
/// <param name="PointsPerCall">Points each call sent.</param>
/// <param name="WarmupPoints">Points of the uncounted warm-up call.</param>
/// <param name="PointsSent">Points sent by the measured calls.</param>
/// <param name="PayloadBytes">Bytes of gRPC messages sent (protobuf points plus 5-byte frame headers).</param>
/// <param name="ElapsedSeconds">Time the measured calls took.</param>
/// <param name="PointsPerSecond">Throughput in points.</param>
/// <param name="MegabytesPerSecond">Throughput in 10^6 bytes of payload.</param>
/// <param name="CheckPassed">Whether every summary counted exactly the points its call sent.</param>
/// <param name="Miscounted">The calls whose summary counted another number, if any.</param>
internal sealed record BenchResultJson(
    string Target,
    bool InProcess,
    int Calls,
    int PointsPerCall,
    int WarmupPoints,
    long PointsSent,
    long PayloadBytes,
    double ElapsedSeconds,
    double PointsPerSecond,
    double MegabytesPerSecond,
    bool CheckPassed,
    MiscountedCallJson[] Miscounted);

/// <summary>A call of <c>bench</c> whose summary did not count every point it sent.</summary>
/// <param name="Call">The call, from 1.</param>
/// <param name="Counted">The points its summary counted.</param>
internal sealed record MiscountedCallJson(int Call, int Counted);

/// <summary>Source-generated System.Text.Json metadata for the command's JSON (no reflection at run time).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(List<PointJson?>))]
[JsonSerializable(typeof(RecordResultJson))]
[JsonSerializable(typeof(BenchResultJson))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
