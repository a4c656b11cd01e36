using System.Text.Json;
using System.Text.Json.Serialization;

namespace RouteGuide.Cli;

/// <summary>One entry of a points file: <c>{"latitude":..,"longitude":..}</c> in E7 units.</summary>
internal sealed class PointJson
{
    [JsonRequired]
    public int Latitude { get; set; }

    [JsonRequired]
    public int Longitude { get; set; }
}

/// <summary>What <c>record --json</c> prints: the points sent and the server's summary.</summary>
/// <param name="PointsSent">Points the client sent.</param>
/// <param name="PointCount">Points the server counted.</param>
/// <param name="FeatureCount">Points that landed on a catalog feature.</param>
/// <param name="DistanceMetres">Distance travelled, in whole metres.</param>
/// <param name="ElapsedSeconds">Time the server measured, in whole seconds.</param>
internal sealed record RecordResultJson(int PointsSent, int PointCount, int FeatureCount, int DistanceMetres, int ElapsedSeconds);

/// <summary>Source-generated System.Text.Json metadata for the command's JSON (no reflection at run time).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(List<PointJson?>))]
[JsonSerializable(typeof(RecordResultJson))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
