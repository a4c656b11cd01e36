using System.Text.Json;
using System.Text.Json.Serialization;

namespace RouteGuide.Core.Statistics;

/// <summary>One entry of a <c>route_guide_db.json</c> file: <c>{"location":{"latitude":..,"longitude":..},"name":".."}</c>.</summary>
internal sealed class CatalogEntryJson
{
    [JsonRequired]
    public CatalogLocationJson? Location { get; set; }

    [JsonRequired]
    public string? Name { get; set; }
}

/// <summary>The <c>location</c> object of a catalog entry, in E7 units.</summary>
internal sealed class CatalogLocationJson
{
    [JsonRequired]
    [JsonConverter(typeof(WholeNumberJsonConverter))]
    public int Latitude { get; set; }

    [JsonRequired]
    [JsonConverter(typeof(WholeNumberJsonConverter))]
    public int Longitude { get; set; }
}

/// <summary>Source-generated System.Text.Json metadata for the catalog format (no reflection at run time).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(List<CatalogEntryJson>))]
internal sealed partial class CatalogJsonContext : JsonSerializerContext;
